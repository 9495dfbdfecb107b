import type { z } from 'zod';
import {
  SourceError,
  type ScanCounted,
  type SourceConnector,
  type SourceContact,
  type SourceContactDetails,
  type SourceCustomField,
  type SourceDnsRecord,
  type SourceDomain,
  type SourceList,
  type SourcePage,
  type SourceSuppression,
  type SourceSuppressionGroup,
  type SourceTemplate,
} from '../source-types.js';
import type { ScanResult } from '../../model/scan-result.js';
import { normalizeEmail } from '../shared/email.js';
import { storableDate } from '../shared/dates.js';
import { describeShape, parseItems, ProblemLog } from '../shared/record-problems.js';
import type { RecordKind } from '../../model/record-kinds.js';
import { readDetail } from '../shared/record-detail.js';
import { PostmarkHttp } from './postmark-http.js';
import { scanPostmark } from './postmark-scan.js';
import { domainNameProblem } from '../shared/domain-name.js';
import {
  wireDomain,
  wireDomainDetail,
  wireDomainList,
  wireSender,
  wireSenderList,
  wireServer,
  wireServerList,
  wireStream,
  wireStreamList,
  wireSuppression,
  wireSuppressionDump,
  wireTemplate,
  wireTemplateList,
  wireTemplateSummary,
} from './postmark-wire.js';

export interface PostmarkConnectorOptions {
  baseUrl: string;
  /** An Account API token (every server) or a Server API token (one server). */
  token: string;
  signal?: AbortSignal;
  backoffBaseMs?: number;
  retryBudgetMs?: number;
}

export interface PostmarkServer { id: number; name: string; http: PostmarkHttp }
export interface PostmarkStream { server: PostmarkServer; id: string; name: string; type: string }

const PAGE = 500;

/** Postmark's suppression reasons onto ours: a recipient's own ManualSuppression is an unsubscribe. */
export function suppressionReason(s: z.infer<typeof wireSuppression>): SourceSuppression['reason'] {
  if (s.SuppressionReason === 'HardBounce') return 'bounce';
  if (s.SuppressionReason === 'SpamComplaint') return 'spam_complaint';
  return s.Origin === 'Recipient' ? 'unsubscribe' : 'manual';
}

/**
 * Reads a Postmark account through an Account token (every server, found from /servers with
 * their server tokens, plus domains and sender signatures) or a Server token (that server
 * only). Postmark has no contacts, lists or custom fields. Transactional streams' suppressions
 * are account-wide here; each broadcast stream becomes a suppression group of who is suppressed
 * on it. Templates and layouts of every server are read with their server's token.
 */
export class PostmarkConnector implements SourceConnector {
  readonly problems = new ProblemLog();
  readonly perContactGroups = false;
  private tokenKind: 'account' | 'server' | null = null;
  private accountHttp: PostmarkHttp | null = null;
  private serversRead: PostmarkServer[] | null = null;
  private streamsRead: PostmarkStream[] | null = null;
  private templatesRead: { id: string; name: string; server: PostmarkServer; templateId: number }[] | null = null;

  constructor(private readonly options: PostmarkConnectorOptions) {}

  /** Which token it is: tried as an account token, then as a server token. */
  async kind(): Promise<'account' | 'server'> {
    if (this.tokenKind) return this.tokenKind;
    const { token, ...rest } = this.options;
    const asAccount = new PostmarkHttp({ ...rest, token: { kind: 'account', value: token } });
    try {
      await asAccount.get('/servers', { count: 1, offset: 0 });
      this.accountHttp = asAccount;
      return (this.tokenKind = 'account');
    } catch (err) {
      if (!(err instanceof SourceError && err.kind === 'invalid_credential')) throw err;
    }
    const asServer = asAccount.withToken({ kind: 'server', value: token });
    try {
      const parsed = wireServer.safeParse(await asServer.get('/server'));
      if (!parsed.success) throw new SourceError('unexpected_response', `Postmark GET /server returned an unexpected shape: ${describeShape(parsed.error)}`);
      this.serversRead = [{ id: parsed.data.ID, name: serverName(parsed.data), http: asServer }];
      return (this.tokenKind = 'server');
    } catch (err) {
      if (!(err instanceof SourceError && err.kind === 'invalid_credential')) throw err;
    }
    throw new SourceError('invalid_credential', 'Postmark rejected the token as an Account API token and as a Server API token (Postmark → API Tokens)');
  }

  async validateCredential(): Promise<void> {
    await this.kind();
  }

  scan(counted?: ScanCounted): Promise<ScanResult> {
    return scanPostmark(this, counted);
  }

  /** Every server the token sees, each with a token of its own. */
  async servers(): Promise<PostmarkServer[]> {
    if ((await this.kind()) === 'server' || this.serversRead) return this.serversRead!;
    const out: PostmarkServer[] = [];
    for await (const raw of this.offsetPages(this.accountHttp!, '/servers', wireServerList, 'Servers')) {
      for (const s of this.parseRecords(raw, wireServer, 'domain', 'GET /servers', (id) => `server ${id}`)) {
        const token = s.ApiTokens?.[0];
        if (!token) {
          this.problems.report('suppression', `server ${s.ID}`, `server ${serverName(s)} lists no API token: its streams and templates cannot be read`);
          continue;
        }
        out.push({ id: s.ID, name: serverName(s), http: this.accountHttp!.withToken({ kind: 'server', value: token }) });
      }
    }
    return (this.serversRead = out);
  }

  /** Every server's outbound streams (inbound streams send nothing to suppress), archived ones left out. */
  async streams(): Promise<PostmarkStream[]> {
    if (this.streamsRead) return this.streamsRead;
    const out: PostmarkStream[] = [];
    for (const server of await this.servers()) {
      const list = envelope(wireStreamList, await server.http.get('/message-streams', { MessageStreamType: 'All' }), 'GET /message-streams');
      for (const s of this.parseRecords(list.MessageStreams ?? [], wireStream, 'suppression_group', 'GET /message-streams', (id) => `${server.id}/${id}`)) {
        if (s.ArchivedAt || s.MessageStreamType === 'Inbound') continue;
        out.push({ server, id: s.ID, name: s.Name?.trim() || s.ID, type: s.MessageStreamType ?? 'Transactional' });
      }
    }
    return (this.streamsRead = out);
  }

  /** Domains (with DKIM and Return-Path) and the domains of sender signatures: account token only. */
  async *domains(): AsyncGenerator<SourceDomain> {
    if ((await this.kind()) !== 'account') return;
    const http = this.accountHttp!;
    const seen = new Set<string>();
    for await (const raw of this.offsetPages(http, '/domains', wireDomainList, 'Domains')) {
      for (const d of this.parseRecords(raw, wireDomain, 'domain', 'GET /domains')) {
        const sourceId = String(d.ID);
        const detail = await readDetail(this.problems, 'Postmark', { kind: 'domain', sourceId }, () => http.get(`/domains/${d.ID}`), wireDomainDetail);
        if (detail === 'gone') continue;
        const name = domainName(d.Name) ?? domainName(detail?.Name);
        const problem = name ? domainNameProblem(name) : 'the domain has no name (Name absent or empty in the list and in its detail)';
        if (problem || !name) {
          this.problems.report('domain', sourceId, problem!);
          continue;
        }
        seen.add(name);
        yield { sourceId, name, status: domainStatus(d.DKIMVerified ?? detail?.DKIMVerified, d.ReturnPathDomainVerified ?? detail?.ReturnPathDomainVerified), region: null, createdAt: null, records: detail ? dnsRecords(detail) : [] };
      }
    }
    for await (const raw of this.offsetPages(http, '/senders', wireSenderList, 'SenderSignatures')) {
      for (const s of this.parseRecords(raw, wireSender, 'domain', 'GET /senders', (id) => `signature:${id}`)) {
        const name = domainName(s.Domain) ?? domainName(s.EmailAddress?.slice(s.EmailAddress.lastIndexOf('@') + 1));
        const problem = name ? domainNameProblem(name) : 'the sender signature names no domain (Domain absent or empty, and no domain in EmailAddress)';
        if (problem || !name) {
          this.problems.report('domain', `signature:${s.ID}`, problem!);
          continue;
        }
        if (seen.has(name)) continue;
        seen.add(name);
        yield { sourceId: `signature:${s.ID}`, name, status: s.Confirmed ? 'sender signature confirmed' : 'sender signature unconfirmed', region: null, createdAt: null, records: [] };
      }
    }
  }

  /** Postmark has no lists. */
  async lists(): Promise<SourceList[]> {
    return [];
  }

  async *listMembers(): AsyncGenerator<SourcePage<SourceContact>> {}

  async *globalContacts(): AsyncGenerator<SourcePage<SourceContact>> {}

  async customFields(): Promise<SourceCustomField[]> {
    return [];
  }

  async contactDetails(): Promise<SourceContactDetails> {
    return {};
  }

  /** Each broadcast stream, as `<server> · <stream>`. */
  async suppressionGroups(): Promise<SourceSuppressionGroup[]> {
    return (await this.streams())
      .filter((s) => s.type === 'Broadcasts')
      .map((s) => ({ sourceId: `${s.server.id}/${s.id}`, name: `${s.server.name} · ${s.name}`, description: `Suppressed on the Postmark stream ${s.id} of the server ${s.server.name}`, defaultSubscription: 'opt_in' }));
  }

  async *groupOptOuts(group: SourceSuppressionGroup): AsyncGenerator<string[]> {
    const stream = (await this.streams()).find((s) => `${s.server.id}/${s.id}` === group.sourceId);
    if (stream) yield (await this.dump(stream)).map((s) => s.EmailAddress);
  }

  /** Transactional streams' suppressions, one stream a page (Postmark's dump is not paged); the cursor is the next stream's index. */
  async *suppressions(after?: string | null): AsyncGenerator<SourcePage<SourceSuppression>> {
    const streams = (await this.streams()).filter((s) => s.type === 'Transactional');
    for (let i = after ? Number(after) : 0; i < streams.length; i++) {
      const items = (await this.dump(streams[i]!)).map((s) => ({ email: normalizeEmail(s.EmailAddress), emailOriginal: s.EmailAddress, reason: suppressionReason(s), createdAt: s.CreatedAt ? storableDate(new Date(s.CreatedAt)) : null }));
      yield { items, nextCursor: i + 1 < streams.length ? String(i + 1) : null };
    }
  }

  async dump(stream: PostmarkStream): Promise<z.infer<typeof wireSuppression>[]> {
    const path = `/message-streams/${encodeURIComponent(stream.id)}/suppressions/dump`;
    const body = envelope(wireSuppressionDump, await stream.server.http.get(path), `GET ${path}`);
    return this.parseRecords(body.Suppressions ?? [], wireSuppression, 'suppression', `GET ${path}`);
  }

  /** Every server's templates and layouts as `<server id>/<template id>`; a name two servers share carries its server. */
  async templateSummaries(): Promise<{ id: string; name: string; server: PostmarkServer; templateId: number }[]> {
    if (this.templatesRead) return this.templatesRead;
    const found: { server: PostmarkServer; templateId: number; name: string }[] = [];
    for (const server of await this.servers()) {
      for await (const raw of this.offsetPages(server.http, '/templates', wireTemplateList, ['Templates', 'Templates API'], { TemplateType: 'All' })) {
        for (const t of this.parseRecords(raw, wireTemplateSummary, 'template', 'GET /templates', (id) => `${server.id}/${id}`)) found.push({ server, templateId: t.TemplateId, name: t.Name?.trim() || t.Alias || String(t.TemplateId) });
      }
    }
    const uses = new Map<string, number>();
    for (const t of found) uses.set(t.name, (uses.get(t.name) ?? 0) + 1);
    return (this.templatesRead = found.map((t) => ({ ...t, id: `${t.server.id}/${t.templateId}`, name: uses.get(t.name)! > 1 ? `${t.name} (${t.server.name})` : t.name })));
  }

  async template(id: string): Promise<SourceTemplate | null> {
    const summary = (await this.templateSummaries()).find((t) => t.id === id);
    if (!summary) return null;
    const t = await readDetail(this.problems, 'Postmark', { kind: 'template', sourceId: id }, () => summary.server.http.get(`/templates/${summary.templateId}`), wireTemplate);
    if (!t || t === 'gone') return null;
    const layout = t.TemplateType === 'Layout' ? { kind: 'layout' as const } : t.LayoutTemplate ? { kind: 'uses' as const, alias: t.LayoutTemplate } : undefined;
    return {
      sourceId: id,
      name: summary.name,
      alias: t.Alias ?? null,
      status: t.Active === false ? 'draft' : 'published',
      subject: t.Subject || null,
      from: null,
      replyTo: null,
      html: t.HtmlBody ?? '',
      text: t.TextBody ?? null,
      variables: [],
      hasUnpublishedVersions: false,
      testData: null,
      ...(layout ? { layout } : {}),
    };
  }

  /**
   * Each item of a list parsed on its own: the good ones returned, each bad one a row problem
   * under its Postmark id (`ID`, `TemplateId`, `EmailAddress`; as `sourceOf` makes it the
   * record's source id) or its position, with the reason.
   */
  private parseRecords<T extends z.ZodType>(items: unknown[], schema: T, kind: RecordKind, where: string, sourceOf: (id: string) => string = (id) => id): z.infer<T>[] {
    return parseItems(items, schema, kind, this.problems, where, (raw) => {
      const id = postmarkId(raw);
      return id === null ? null : sourceOf(id);
    });
  }

  /** A `count`/`offset` list (500 a page) to its `TotalCount`, or to a short page; its array under `field` (the first of them present). */
  private async *offsetPages<S extends z.ZodType<Record<string, unknown>>>(http: PostmarkHttp, path: string, schema: S, field: string | string[], query: Record<string, string> = {}): AsyncGenerator<unknown[]> {
    const fields = typeof field === 'string' ? [field] : field;
    for (let offset = 0; ; offset += PAGE) {
      const page = envelope(schema, await http.get(path, { ...query, count: PAGE, offset }), `GET ${path}`) as Record<string, unknown>;
      const rows = fields.map((f) => page[f] as unknown[] | null | undefined).find((r) => Array.isArray(r)) ?? [];
      yield rows;
      const total = typeof page.TotalCount === 'number' ? page.TotalCount : null;
      if (rows.length < PAGE || (total !== null && offset + rows.length >= total)) return;
    }
  }
}

/** A response's envelope (not one record): one that does not fit is the provider's unexpected answer, said as such. */
function envelope<T extends z.ZodType>(schema: T, body: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new SourceError('unexpected_response', `Postmark ${where} returned an unexpected shape: ${describeShape(parsed.error)}`);
  return parsed.data;
}

/** A record's Postmark id, for reporting one that failed its schema. */
function postmarkId(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return null;
  for (const key of ['ID', 'TemplateId', 'TemplateID', 'EmailAddress']) {
    const v = (raw as Record<string, unknown>)[key];
    if ((typeof v === 'string' && v.trim()) || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  }
  return null;
}

/** A server's name, or (the spec makes it optional) its id. */
const serverName = (s: z.infer<typeof wireServer>) => s.Name?.trim() || `Server ${s.ID}`;

/** A domain name as stored: trimmed, lower case; null when there is none. */
const domainName = (name: string | null | undefined) => name?.trim().toLowerCase() || null;

/** From the list item's flags, or (absent there) the detail's. */
function domainStatus(dkim: boolean | undefined, returnPath: boolean | undefined): string {
  const parts = [dkim ? 'DKIM verified' : 'DKIM not verified', returnPath ? 'Return-Path verified' : 'Return-Path not verified'];
  return parts.join(', ');
}

function dnsRecords(d: z.infer<typeof wireDomainDetail>): SourceDnsRecord[] {
  const out: SourceDnsRecord[] = [];
  if (d.DKIMHost && d.DKIMTextValue) out.push({ record: 'DKIM', name: d.DKIMHost, type: 'TXT', value: d.DKIMTextValue, ttl: null, priority: null, status: d.DKIMVerified ? 'verified' : 'pending' });
  if (d.ReturnPathDomain && d.ReturnPathDomainCNAMEValue) out.push({ record: 'Return-Path', name: d.ReturnPathDomain, type: 'CNAME', value: d.ReturnPathDomainCNAMEValue, ttl: null, priority: null, status: d.ReturnPathDomainVerified ? 'verified' : 'pending' });
  return out;
}
