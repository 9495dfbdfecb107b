import type {
  SourceConnector,
  SourceContact,
  SourceContactDetails,
  SourceCustomField,
  SourceDomain,
  SourceList,
  SourcePage,
  SourceReject,
  SourceSuppression,
  SourceTemplate,
  SourceSuppressionGroup,
  SuppressionReason,
} from '../source-types.js';
import { SourceError } from '../source-types.js';
import { normalizeEmail } from '../shared/email.js';
import { storableDate } from '../shared/dates.js';
import type { z } from 'zod';
import { SendGridHttp } from './sendgrid-http.js';
import { describeShape, parseItems, ProblemLog } from '../shared/record-problems.js';
import {
  wireCustomField,
  wireFieldDefinitions,
  wireGroup,
  wirePaged,
  wireList,
  wireScopes,
  wireSuppression,
  wireTemplate,
  wireTemplateSummary,
  wireItems,
} from './sendgrid-wire.js';
import { exportChunks, reuseExport, runExport, type ExportJob } from './sendgrid-export.js';
import { scanSendGrid } from './sendgrid-scan.js';
import type { ScanError, ScanResult } from '../../model/scan-result.js';

import type { RecordKind } from '../../model/record-kinds.js';
/** SendGrid's image CDN, where Design Library and template images live. */
export const SENDGRID_CDN = 'https://cdn.mcauto-images-production.sendgrid.net';

/** Rows per batch handed to the importer: one transaction each. */
export const SENDGRID_BATCH_ROWS = 10_000;
export const SENDGRID_LIST_PAGE_SIZE = 1000;
export const SENDGRID_TEMPLATE_PAGE_SIZE = 200;
export const SENDGRID_SUPPRESSION_PAGE_SIZE = 500;

/** The scopes each kind needs (sendgrid.md §6). */
export const REQUIRED_SCOPES = {
  contacts: ['marketing.read'],
  templates: ['templates.read', 'templates.versions.read'],
  groups: ['asm.groups.read', 'asm.groups.suppressions.read'],
  suppressions: ['suppression.read'],
} as const;
export type ScopedKind = keyof typeof REQUIRED_SCOPES;

/** Reserved export columns that are not custom fields. */
const RESERVED_COLUMNS = new Set([
  'email', 'first_name', 'last_name', 'address_line_1', 'address_line_2', 'city', 'state_province_region', 'postal_code',
  'country', 'alternate_emails', 'phone_number', 'whatsapp', 'line', 'facebook', 'unique_name', 'created_at', 'updated_at',
  'contact_id', 'list_ids', 'segment_ids', 'email_domains', 'last_clicked', 'last_opened', 'last_emailed',
]);

const SUPPRESSION_LISTS: [string, SuppressionReason][] = [
  ['unsubscribes', 'unsubscribe'],
  ['bounces', 'bounce'],
  ['blocks', 'block'],
  ['spam_reports', 'spam_complaint'],
  ['invalid_emails', 'invalid'],
];

/** A whole response body that does not fit its shape: the read cannot go on. */
function parseBody<T extends z.ZodType>(where: string, schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new SourceError('unexpected_response', `SendGrid ${where} returned an unexpected shape: ${describeShape(parsed.error)}`);
}

/** SendGrid's `created` is Unix seconds (a number, sometimes as text). */
function unixTime(value: number | string | undefined): Date | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (!seconds || !Number.isFinite(seconds)) return null;
  return storableDate(new Date(seconds * 1000));
}

/**
 * Reads one SendGrid account. Contacts only come out whole through the asynchronous export
 * (one per list, for membership, and one of everything); kinds the key has no scope for are
 * read as empty and reported by the scan.
 */
export class SendGridConnector implements SourceConnector {
  readonly http: SendGridHttp;
  readonly problems = new ProblemLog();
  readonly perContactGroups = false;
  readonly listRecordsAreComplete = true;
  private scopeSet: Set<string> | undefined;
  private fieldNames: Map<string, string> | undefined;
  /** Exports started ahead of their reading, by list id ('*' for all contacts). */
  private readonly exports = new Map<string, Promise<ExportJob>>();

  constructor(
    private readonly options: { baseUrl: string; apiKey: string; cdnUrl?: string; signal?: AbortSignal; backoffBaseMs?: number; retryBudgetMs?: number },
  ) {
    this.http = new SendGridHttp(options);
  }

  async validateCredential(): Promise<void> {
    await this.scopes();
  }

  async scopes(): Promise<Set<string>> {
    this.scopeSet ??= new Set(parseBody('GET /v3/scopes', wireScopes, await this.http.get('/v3/scopes')).scopes);
    return this.scopeSet;
  }

  /** Scopes `kind` needs that the key lacks. */
  async missingScopes(kind: ScopedKind): Promise<string[]> {
    const have = await this.scopes();
    return REQUIRED_SCOPES[kind].filter((s) => !have.has(s));
  }

  private async allowed(kind: ScopedKind): Promise<boolean> {
    return (await this.missingScopes(kind)).length === 0;
  }

  scan(): Promise<ScanResult> {
    return scanSendGrid(this);
  }

  // eslint-disable-next-line require-yield
  async *domains(): AsyncGenerator<SourceDomain> {
    // Domain authentication is re-done on this platform; SendGrid's records do not carry over.
  }

  async lists(): Promise<(SourceList & { contactCount: number })[]> {
    if (!(await this.allowed('contacts'))) return [];
    const out: (SourceList & { contactCount: number })[] = [];
    const seen = new Set<string>();
    for await (const l of this.pages('/v3/marketing/lists', { page_size: SENDGRID_LIST_PAGE_SIZE }, wireList, 'audience')) {
      if (seen.has(l.id)) throw new SourceError('pagination_stuck', 'SendGrid GET /v3/marketing/lists repeated a page');
      seen.add(l.id);
      out.push({ sourceId: l.id, name: l.name?.trim() || l.id, kind: 'list', createdAt: null, contactCount: l.contact_count ?? 0 });
    }
    return out;
  }

  /** Items of a paged marketing endpoint, following the absolute `_metadata.next` links; bad items reported. */
  private async *pages<T extends z.ZodType>(path: string, query: Record<string, string | number>, item: T, kind: RecordKind): AsyncGenerator<z.infer<T>> {
    const seenLinks = new Set<string>();
    let where = `GET ${path}`;
    let page = parseBody(where, wirePaged, await this.http.get(path, query));
    for (;;) {
      yield* parseItems(page.result ?? [], item, kind, this.problems, where);
      const next = page._metadata?.next;
      if (!next) return;
      if (seenLinks.has(next)) throw new SourceError('pagination_stuck', `SendGrid ${where} linked to a page it had given before`);
      seenLinks.add(next);
      where = `GET ${path} (next page)`;
      page = parseBody(where, wirePaged, await this.http.getUrl(next));
    }
  }

  /**
   * Starts the exports an import is about to read, all at once: SendGrid builds each one
   * asynchronously (minutes for a large account), so they are ready by the time their turn comes.
   */
  prepareContactReads(lists: SourceList[], global: boolean): void {
    for (const list of lists) void this.startExport([list.sourceId]);
    if (global) void this.startExport(null);
  }

  private startExport(listIds: string[] | null): Promise<ExportJob> {
    const key = listIds?.join(',') ?? '*';
    let job = this.exports.get(key);
    if (!job) {
      job = runExport(this.http, listIds, this.options.signal);
      job.catch(() => {}); // a failure surfaces where the export is read
      this.exports.set(key, job);
    }
    return job;
  }

  /** A list's members from a list export; `after` (`<export id>:<records read>`) resumes inside it. */
  listMembers(list: SourceList, after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    return this.exportPages([list.sourceId], after ?? null, (list as { contactCount?: number }).contactCount);
  }

  async *globalContacts(after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    if (!(await this.allowed('contacts'))) return;
    yield* this.exportPages(null, after ?? null);
  }

  /**
   * Rows of one export in batches. The last page cross-checks the rows read against the counts
   * SendGrid reported (the export's, and the list's), which differ if contacts changed meanwhile.
   * A resumed read reuses its export while the links stay valid and skips what was committed;
   * otherwise it reads a new export from the start (the importer's writes are idempotent).
   */
  private async *exportPages(listIds: string[] | null, after: string | null, listCount?: number): AsyncGenerator<SourcePage<SourceContact>> {
    const [resumeId, resumeAt] = parseCursor(after);
    const reused = resumeId ? await reuseExport(this.http, resumeId, this.options.signal) : null;
    const key = listIds?.join(',') ?? '*';
    const job = reused ?? (await this.startExport(listIds));
    this.exports.delete(key);
    let records = reused ? resumeAt : 0;
    const names = await this.customFieldNames();
    let plan: ColumnPlan | undefined;
    let batch: SourceContact[] = [];
    let rejects: SourceReject[] = [];
    const reading = { skip: records, signal: this.options.signal, retryBudgetMs: this.options.retryBudgetMs };
    for await (const chunk of exportChunks(job.urls ?? [], reading)) {
      if (plan?.columns !== chunk.columns) plan = columnPlan(chunk.columns, names);
      for (const row of chunk.rows) batch.push(toContact(row, plan));
      // Named by position: one row problem per unreadable row, however alike their reasons.
      chunk.problems.forEach((problem, i) => rejects.push({ reason: problem, example: `export ${job.id} record ${records + chunk.rows.length + i + 1}` }));
      records += chunk.rows.length + chunk.problems.length;
      if (batch.length >= SENDGRID_BATCH_ROWS) {
        yield { items: batch, nextCursor: `${job.id}:${records}`, rejects };
        batch = [];
        rejects = [];
      }
    }
    const warnings: string[] = [];
    const what = listIds ? `list ${listIds[0]}` : 'all contacts';
    if (job.contact_count !== undefined && job.contact_count !== records) {
      warnings.push(`the export of ${what} reported ${job.contact_count} contacts but its files held ${records}`);
    }
    if (listCount !== undefined && listCount !== records) {
      warnings.push(`the list count says ${listCount} contacts but the export of ${what} held ${records}`);
    }
    yield { items: batch, nextCursor: null, warnings, rejects };
  }

  /** Lower-cased column name → the field's own name. */
  private async customFieldNames(): Promise<Map<string, string>> {
    this.fieldNames ??= new Map((await this.customFields()).map((f) => [f.key.toLowerCase(), f.key]));
    return this.fieldNames;
  }

  async customFields(): Promise<SourceCustomField[]> {
    if (!(await this.allowed('contacts'))) return [];
    const where = 'GET /v3/marketing/field_definitions';
    const defs = parseBody(where, wireFieldDefinitions, await this.http.get('/v3/marketing/field_definitions'));
    return parseItems(defs.custom_fields ?? [], wireCustomField, 'custom_field', this.problems, where).map((f) => ({
      sourceId: f.id,
      key: f.name,
      type: f.field_type ?? 'Text',
      fallback: null,
    }));
  }

  async suppressionGroups(): Promise<SourceSuppressionGroup[]> {
    if (!(await this.allowed('groups'))) return [];
    const where = 'GET /v3/asm/groups';
    const groups = parseItems(parseBody(where, wireItems, await this.http.get('/v3/asm/groups')), wireGroup, 'suppression_group', this.problems, where);
    return groups.map((g) => ({ sourceId: g.id, name: g.name?.trim() || g.id, description: g.description || null, defaultSubscription: 'opt_in' }));
  }

  async *groupOptOuts(topic: SourceSuppressionGroup): AsyncGenerator<string[]> {
    const path = `/v3/asm/groups/${encodeURIComponent(topic.sourceId)}/suppressions`;
    const emails = parseBody(`GET ${path}`, wireItems, await this.http.get(path));
    yield emails.flatMap((e, i) => {
      if (typeof e === 'string' && e) return [e];
      this.problems.report('suppression', `item ${i} of group ${topic.sourceId}`, 'not an email address');
      return [];
    });
  }

  /** Dynamic templates, each by its active version. */
  async templateSummaries(): Promise<{ id: string; name: string }[]> {
    if (!(await this.allowed('templates'))) return [];
    const out: { id: string; name: string }[] = [];
    const query = { generations: 'dynamic', page_size: SENDGRID_TEMPLATE_PAGE_SIZE };
    for await (const t of this.pages('/v3/templates', query, wireTemplateSummary, 'template')) {
      out.push({ id: t.id, name: t.name?.trim() || t.id });
    }
    return out;
  }

  async template(id: string): Promise<SourceTemplate | null> {
    let body: unknown;
    try {
      body = await this.http.get(`/v3/templates/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof SourceError && err.kind === 'not_found')) throw err;
      this.problems.report('template', id, 'deleted at SendGrid while the import ran');
      return null;
    }
    const parsed = wireTemplate.safeParse(body);
    if (!parsed.success) {
      this.problems.report('template', id, `unreadable record (${describeShape(parsed.error)})`);
      return null;
    }
    const t = parsed.data;
    const active = t.versions.find((v) => v.active === 1 || v.active === true) ?? t.versions[0];
    return {
      sourceId: t.id,
      name: t.name?.trim() || t.id,
      alias: null,
      status: active ? 'published' : 'draft',
      subject: active?.subject ?? null,
      from: null,
      replyTo: null,
      html: active?.html_content ?? '',
      text: active?.plain_content ?? null,
      variables: [],
      hasUnpublishedVersions: false,
    };
  }

  /** The five suppression lists in turn; `after` (`<list>:<offset>`) resumes inside one. */
  async *suppressions(after?: string | null): AsyncGenerator<SourcePage<SourceSuppression>> {
    if (!(await this.allowed('suppressions'))) return;
    const [resumeList, resumeOffset] = after ? [after.split(':')[0], Number(after.split(':')[1]) || 0] : [null, 0];
    let skipping = SUPPRESSION_LISTS.some(([kind]) => kind === resumeList);
    for (const [kind, reason] of SUPPRESSION_LISTS) {
      if (skipping && kind !== resumeList) continue;
      const start = skipping ? resumeOffset : 0;
      skipping = false;
      for (let offset = start; ; offset += SENDGRID_SUPPRESSION_PAGE_SIZE) {
        const where = `GET /v3/suppression/${kind}`;
        const rows = parseBody(where, wireItems, await this.http.get(`/v3/suppression/${kind}`, { limit: SENDGRID_SUPPRESSION_PAGE_SIZE, offset }));
        yield {
          items: parseItems(rows, wireSuppression, 'suppression', this.problems, `${where} at offset ${offset}`).map((r) => ({
            email: normalizeEmail(r.email),
            emailOriginal: r.email,
            reason,
            createdAt: unixTime(r.created),
          })),
          nextCursor: `${kind}:${offset + rows.length}`,
        };
        if (rows.length < SENDGRID_SUPPRESSION_PAGE_SIZE) break;
      }
    }
  }

  /** Image URLs on SendGrid's CDN, in src attributes and CSS alike. */
  hostedImageUrls(html: string): string[] {
    const found = new Set<string>();
    let at = html.indexOf(SENDGRID_CDN);
    while (at >= 0) {
      const end = html.slice(at).search(/["')\s<>]/);
      found.add(html.slice(at, end < 0 ? undefined : at + end));
      at = html.indexOf(SENDGRID_CDN, at + SENDGRID_CDN.length);
    }
    return [...found];
  }

  /** Downloads a CDN image (from SENDGRID_CDN_URL when the CDN is emulated). */
  async fetchImage(url: string): Promise<{ bytes: Buffer; contentType: string }> {
    const from = this.options.cdnUrl ? url.replace(SENDGRID_CDN, this.options.cdnUrl.replace(/\/+$/, '')) : url;
    const res = await fetch(from, { signal: this.options.signal ?? AbortSignal.timeout(30_000) });
    if (!res.ok) throw new SourceError('unavailable', `SendGrid CDN image ${url} answered ${res.status}`);
    return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  async contactDetails(): Promise<SourceContactDetails> {
    return {}; // custom field values come with the export rows
  }

  /** Counts for the scan, with errors for kinds the key cannot read. */
  async scopeErrors(): Promise<ScanError[]> {
    const errors: ScanError[] = [];
    const what: Record<ScopedKind, string> = {
      contacts: 'contacts, lists and custom fields',
      templates: 'templates',
      groups: 'unsubscribe groups',
      suppressions: 'suppressions (global unsubscribes, bounces, blocks, spam reports, invalid emails)',
    };
    for (const kind of Object.keys(REQUIRED_SCOPES) as ScopedKind[]) {
      const missing = await this.missingScopes(kind);
      if (missing.length) {
        errors.push({ resource: kind, message: `The API key lacks ${missing.join(', ')}: ${what[kind]} will not be imported. Add the scope to the key (Settings → API Keys) and rescan to include them.` });
      }
    }
    return errors;
  }
}

/** Where each column of an export file goes: the reserved ones we keep, the rest as custom fields. */
interface ColumnPlan {
  columns: string[];
  email: number;
  firstName: number;
  lastName: number;
  contactId: number;
  createdAt: number;
  /** Column index → the custom field's own name. */
  properties: [number, string][];
}

function columnPlan(columns: string[], names: Map<string, string>): ColumnPlan {
  const properties: [number, string][] = [];
  columns.forEach((column, i) => {
    if (!RESERVED_COLUMNS.has(column)) properties.push([i, names.get(column) ?? column]);
  });
  return {
    columns,
    email: columns.indexOf('email'),
    firstName: columns.indexOf('first_name'),
    lastName: columns.indexOf('last_name'),
    contactId: columns.indexOf('contact_id'),
    createdAt: columns.indexOf('created_at'),
    properties,
  };
}

function toContact(row: string[], plan: ColumnPlan): SourceContact {
  const cell = (i: number) => (i < 0 ? '' : (row[i] ?? ''));
  const properties: Record<string, string | null> = {};
  for (const [i, name] of plan.properties) {
    const value = row[i] ?? '';
    properties[name] = value === '' ? null : value;
  }
  const email = cell(plan.email);
  const createdRaw = cell(plan.createdAt);
  const created = createdRaw ? storableDate(new Date(createdRaw)) : null;
  return {
    sourceId: cell(plan.contactId) || email,
    email: normalizeEmail(email),
    emailOriginal: email,
    firstName: cell(plan.firstName).trim() || null,
    lastName: cell(plan.lastName).trim() || null,
    unsubscribed: false, // SendGrid keeps opt-outs in its suppression lists, imported as such
    createdAt: created,
    properties,
  };
}

/** `<export id>:<records read>` → its parts; nothing for a read from the start. */
function parseCursor(after: string | null): [string | null, number] {
  const m = after ? /^([^:]+):(\d+)$/.exec(after) : null;
  return m ? [m[1]!, Number(m[2])] : [null, 0];
}
