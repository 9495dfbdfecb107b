import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  SourceError,
  type ScanCounted,
  type SourceConnector,
  type SourceContact,
  type SourceContactDetails,
  type SourceCustomField,
  type SourceDomain,
  type SourceList,
  type SourcePage,
  type SourceSuppression,
  type SourceSuppressionGroup,
  type SourceTemplate,
} from '../source-types.js';
import type { ScanResult } from '../../model/scan-result.js';
import { describeShape, parseItems, ProblemLog } from '../shared/record-problems.js';
import { readDetail } from '../shared/record-detail.js';
import { MailgunHttp } from './mailgun-http.js';
import { pivotPages, type PivotPageRead } from './mailgun-pagination.js';
import { mapDnsRecord, mapDomain, mapList, mapMember, mapSuppression, mapTemplate } from './mailgun-mapping.js';
import { inspectMembers, type MemberInspection } from './mailgun-members.js';
import { scanMailgun } from './mailgun-scan.js';
import {
  wireBounce,
  wireComplaint,
  wireDnsRecord,
  wireDomain,
  wireDomainDetail,
  wireDomainList,
  wireList,
  wireMember,
  wireTemplateDetail,
  wireTemplateSummary,
  wireUnsubscribe,
} from './mailgun-wire.js';

export interface MailgunConnectorOptions {
  /** https://api.mailgun.net */
  baseUrl: string;
  /** https://api.eu.mailgun.net */
  euBaseUrl: string;
  apiKey: string;
  signal?: AbortSignal;
  backoffBaseMs?: number;
  retryBudgetMs?: number;
}

/** The suppression kinds that are account-wide here, in the order they are read per domain. */
const SUPPRESSION_KINDS = [
  { path: 'bounces', schema: wireBounce, reason: 'bounce' },
  { path: 'complaints', schema: wireComplaint, reason: 'spam_complaint' },
  { path: 'unsubscribes', schema: wireUnsubscribe, reason: 'unsubscribe' },
] as const;

/** Where a read of the suppressions stands: a domain, a kind, and the page link within it. */
interface SuppressionCursor { domain: number; kind: number; next: string | null }

export const ALL_TAGS = '*';

/**
 * The tags an unsubscribe is from. None (an empty list; the spec requires the field but not an
 * entry, and a wire value that is not a list of strings reads as none) means all of them: `*`
 * is Mailgun's default tag. Such an unsubscribe was dropped, neither imported nor reported.
 */
export function unsubscribedTags(u: { tags?: string[] | null }): string[] {
  return u.tags?.length ? u.tags : [ALL_TAGS];
}
/** The row problem's id for member vars whose name is empty. */
export const UNNAMED_VAR = '(var without a name)';

/**
 * A tag's suppression group id: `tag:<tag>`, or for a tag too long to be an id (the spec bounds
 * no tag: a 5,000-character one overflowed the source links' index and failed the whole job;
 * an approval names ids of at most 200 characters) `tag-sha256:<hash of the tag>`, as stable
 * across runs. The group's name is the tag, whatever its length.
 */
export function tagGroupId(tag: string): string {
  const id = `tag:${tag}`;
  return id.length <= 200 ? id : `tag-sha256:${createHash('sha256').update(tag).digest('hex')}`;
}

/**
 * Reads one Mailgun account. Its region is found from the key (keys do not cross regions): US
 * first, then EU. Mailing lists are the audiences and their members the contacts, with vars as
 * custom fields; templates and suppressions are read per domain; unsubscribes tagged `*` are
 * account-wide and every other tag becomes a suppression group.
 */
export class MailgunConnector implements SourceConnector {
  readonly problems = new ProblemLog();
  readonly perContactGroups = false;
  /** A member's vars come with it: the importer needs no second read of anyone. */
  readonly listRecordsAreComplete = true;
  private resolved: { http: MailgunHttp; region: 'us' | 'eu' } | null = null;
  private domainNamesRead: string[] | null = null;
  private listsRead: (SourceList & { contactCount: number | null })[] | null = null;
  private members: MemberInspection | null = null;
  private tags: Map<string, string[]> | null = null;
  private templateIds: { id: string; name: string }[] | null = null;

  constructor(private readonly options: MailgunConnectorOptions) {}

  /** The region's client: the first that accepts the key. */
  async client(): Promise<{ http: MailgunHttp; region: 'us' | 'eu' }> {
    if (this.resolved) return this.resolved;
    const { euBaseUrl, ...rest } = this.options;
    for (const [region, baseUrl] of [['us', this.options.baseUrl], ['eu', euBaseUrl]] as const) {
      const http = new MailgunHttp({ ...rest, baseUrl });
      try {
        await http.get('/v4/domains', { limit: 1 });
        return (this.resolved = { http, region });
      } catch (err) {
        if (!(err instanceof SourceError && err.kind === 'invalid_credential')) throw err;
      }
    }
    throw new SourceError(
      'invalid_credential',
      'Mailgun rejected the API key in the US and in the EU region (Invalid private key): use the account’s private API key (Mailgun → API Security)',
    );
  }

  async http(): Promise<MailgunHttp> {
    return (await this.client()).http;
  }

  async validateCredential(): Promise<void> {
    await this.client();
  }

  scan(counted?: ScanCounted): Promise<ScanResult> {
    return scanMailgun(this, counted);
  }

  /** Domain names, 1,000 a page (skip paging). */
  async domainNames(): Promise<string[]> {
    if (this.domainNamesRead) return this.domainNamesRead;
    const http = await this.http();
    const names: string[] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = wireDomainList.parse(await http.get('/v4/domains', { limit: 1000, skip }));
      const items = parseItems(page.items ?? [], wireDomain, 'domain', this.problems, 'GET /v4/domains');
      names.push(...items.map((d) => d.name));
      if ((page.items ?? []).length < 1000) break;
    }
    return (this.domainNamesRead = names);
  }

  /** Every domain with its sending and receiving DNS records (one GET each). */
  async *domains(): AsyncGenerator<SourceDomain> {
    const { http, region } = await this.client();
    for (const name of await this.domainNames()) {
      const path = `/v4/domains/${encodeURIComponent(name)}`;
      const detail = await readDetail(this.problems, 'Mailgun', { kind: 'domain', sourceId: name }, () => http.get(path), wireDomainDetail);
      if (!detail || detail === 'gone') continue;
      // The spec lets an entry be null: nothing to set up, nothing to report. A record that is
      // there but unreadable costs that record, reported against its domain.
      const raw = [...(detail.sending_dns_records ?? []), ...(detail.receiving_dns_records ?? [])].filter((r) => r !== null && r !== undefined);
      const records = raw.flatMap((r, i) => {
        const parsed = wireDnsRecord.safeParse(r);
        if (parsed.success) return [mapDnsRecord(parsed.data)];
        this.problems.report('domain', name, `DNS record ${i + 1} unreadable, left out (${describeShape(parsed.error)})`);
        return [];
      });
      yield mapDomain(detail.domain, region, records);
    }
  }

  async lists(): Promise<SourceList[]> {
    return this.listsWithCounts();
  }

  async listsWithCounts(): Promise<(SourceList & { contactCount: number | null })[]> {
    if (this.listsRead) return this.listsRead;
    const http = await this.http();
    const out: (SourceList & { contactCount: number | null })[] = [];
    for await (const page of pivotPages(http, { path: '/v3/lists/pages', query: { limit: 100 } }, wireList, 'audience', this.problems)) {
      out.push(...page.items.map(mapList));
    }
    return (this.listsRead = out);
  }

  /** One list's members from `after` (a page link), 100 a page, in address order. */
  async *listMembers(list: SourceList, after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    const http = await this.http();
    const start = after ? { url: after } : { path: `/v3/lists/${encodeURIComponent(list.sourceId)}/members/pages`, query: { limit: 100 } };
    try {
      for await (const page of pivotPages(http, start, wireMember, 'contact', this.problems)) {
        yield { items: page.items.map(mapMember), nextCursor: page.next };
      }
    } catch (err) {
      if (!(err instanceof SourceError && err.kind === 'not_found')) throw err;
      this.problems.report('audience', list.sourceId, 'deleted at Mailgun while the import ran');
    }
  }

  /** Every Mailgun contact is on a list. */
  async *globalContacts(): AsyncGenerator<SourcePage<SourceContact>> {}

  /** Every list's members, read once: what vars they carry (and of which type), and the counts the scan shows. */
  async inspectMembers(counted: (contacts: number) => void = () => {}): Promise<MemberInspection> {
    this.members ??= await inspectMembers(this, await this.listsWithCounts(), counted);
    return this.members;
  }

  /** Vars as custom fields, typed by their values (Mailgun keeps no schema); none has a fallback. */
  async customFields(): Promise<SourceCustomField[]> {
    const { fieldTypes, unnamedVars } = await this.inspectMembers();
    if (unnamedVars) this.problems.report('custom_field', UNNAMED_VAR, 'a member var with an empty name is not a custom field: its values are left out');
    return [...fieldTypes].map(([key, type]) => ({ sourceId: key, key, type, fallback: null }));
  }

  /** Who unsubscribed from each tag, on any domain (`*`, everything, is account-wide instead). */
  async unsubscribeTags(): Promise<Map<string, string[]>> {
    if (this.tags) return this.tags;
    const tags = new Map<string, Set<string>>();
    for (const domain of await this.domainNames()) {
      for await (const page of this.suppressionPages(domain, 'unsubscribes', wireUnsubscribe, null)) {
        for (const u of page.items) {
          for (const tag of unsubscribedTags(u)) if (tag !== ALL_TAGS) (tags.get(tag) ?? tags.set(tag, new Set()).get(tag)!).add(u.address);
        }
      }
    }
    return (this.tags = new Map([...tags].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tag, emails]) => [tag, [...emails].sort()])));
  }

  async suppressionGroups(): Promise<SourceSuppressionGroup[]> {
    return [...(await this.unsubscribeTags()).keys()].map((tag) => ({
      sourceId: tagGroupId(tag),
      name: tag,
      description: `Who unsubscribed from the Mailgun tag “${tag}”`,
      defaultSubscription: 'opt_in',
    }));
  }

  async *groupOptOuts(group: SourceSuppressionGroup): AsyncGenerator<string[]> {
    const tags = await this.unsubscribeTags();
    const tag = [...tags.keys()].find((t) => tagGroupId(t) === group.sourceId);
    const emails = tag === undefined ? [] : tags.get(tag)!;
    for (let i = 0; i < emails.length; i += 1000) yield emails.slice(i, i + 1000);
  }

  /** Every domain's templates as `<domain>/<name>`; a name two domains share gets its domain added. */
  async templateSummaries(): Promise<{ id: string; name: string }[]> {
    if (this.templateIds) return this.templateIds;
    const http = await this.http();
    const found: { domain: string; name: string }[] = [];
    for (const domain of await this.domainNames()) {
      const start = { path: `/v3/${encodeURIComponent(domain)}/templates`, query: { limit: 100 } };
      for await (const page of pivotPages(http, start, wireTemplateSummary, 'template', this.problems)) {
        found.push(...page.items.map((t) => ({ domain, name: t.name })));
      }
    }
    const uses = new Map<string, number>();
    for (const t of found) uses.set(t.name, (uses.get(t.name) ?? 0) + 1);
    return (this.templateIds = found.map((t) => ({ id: `${t.domain}/${t.name}`, name: uses.get(t.name)! > 1 ? `${t.name} (${t.domain})` : t.name })));
  }

  /** One template with its active version (`?active=yes`); null when gone or unreadable (reported). */
  async template(id: string): Promise<SourceTemplate | null> {
    const slash = id.indexOf('/');
    if (slash < 1) return null;
    const [domain, name] = [id.slice(0, slash), id.slice(slash + 1)];
    const http = await this.http();
    const path = `/v3/${encodeURIComponent(domain)}/templates/${encodeURIComponent(name)}`;
    const detail = await readDetail(this.problems, 'Mailgun', { kind: 'template', sourceId: id }, () => http.get(path, { active: 'yes' }), wireTemplateDetail);
    if (!detail || detail === 'gone') return null;
    const shown = (await this.templateSummaries()).find((t) => t.id === id)?.name ?? name;
    return mapTemplate(id, shown, detail.template);
  }

  /** Bounces, complaints and unsubscribes tagged `*` of every domain, 1,000 a page, resumable. */
  async *suppressions(after?: string | null): AsyncGenerator<SourcePage<SourceSuppression>> {
    const domains = await this.domainNames();
    let at: SuppressionCursor = after ? (JSON.parse(after) as SuppressionCursor) : { domain: 0, kind: 0, next: null };
    while (at.domain < domains.length) {
      const kind = SUPPRESSION_KINDS[at.kind]!;
      for await (const page of this.suppressionPages(domains[at.domain]!, kind.path, kind.schema, at.next)) {
        const items = (page.items as Parameters<typeof mapSuppression>[0][])
          .filter((s) => kind.path !== 'unsubscribes' || unsubscribedTags(s as z.infer<typeof wireUnsubscribe>).includes(ALL_TAGS))
          .map((s) => mapSuppression(s, kind.reason));
        at = { ...at, next: page.next };
        yield { items, nextCursor: JSON.stringify(at) };
      }
      at = at.kind + 1 < SUPPRESSION_KINDS.length ? { domain: at.domain, kind: at.kind + 1, next: null } : { domain: at.domain + 1, kind: 0, next: null };
    }
  }

  private async *suppressionPages<S extends z.ZodType>(domain: string, kind: string, schema: S, next: string | null): AsyncGenerator<PivotPageRead<z.infer<S>>> {
    const http = await this.http();
    const start = next ? { url: next } : { path: `/v3/${encodeURIComponent(domain)}/${kind}`, query: { limit: 1000 } };
    yield* pivotPages(http, start, schema, 'suppression', this.problems);
  }

  /** Everything a member has comes with it. */
  async contactDetails(): Promise<SourceContactDetails> {
    return {};
  }
}
