import {
  SourceError,
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
  type ScanCounted,
} from '../source-types.js';
import type { ScanError, ScanResult } from '../../model/scan-result.js';
import { parseItems, ProblemLog } from '../shared/record-problems.js';
import { readDetail } from '../shared/record-detail.js';
import { SendGridHttp } from './sendgrid-http.js';
import { linkedPages, offsetPages, parseBody } from './sendgrid-pagination.js';
import { missingScopes, readScopes, scopeErrors, type ScopedKind } from './sendgrid-scopes.js';
import { ContactExports } from './sendgrid-export-pages.js';
import { fetchImage, hostedImageUrls } from './sendgrid-images.js';
import { scanSendGrid } from './sendgrid-scan.js';
import { mapCustomField, mapGroup, mapList, mapSuppression, mapTemplate, mapTemplateSummary, SUPPRESSION_LISTS } from './sendgrid-mapping.js';
import {
  wireCustomField,
  wireFieldDefinitions,
  wireGroup,
  wireGroupOptOut,
  wireItems,
  wireList,
  wireSuppression,
  wireTemplate,
  wireTemplateSummary,
} from './sendgrid-wire.js';

export { SENDGRID_BATCH_ROWS } from './sendgrid-export-pages.js';

export const SENDGRID_LIST_PAGE_SIZE = 1000;
export const SENDGRID_TEMPLATE_PAGE_SIZE = 200;
export const SENDGRID_SUPPRESSION_PAGE_SIZE = 500;

export interface SendGridConnectorOptions {
  baseUrl: string;
  apiKey: string;
  /** Where CDN images are downloaded from instead, when the CDN is emulated. */
  cdnUrl?: string;
  signal?: AbortSignal;
  backoffBaseMs?: number;
  retryBudgetMs?: number;
}

/**
 * Reads one SendGrid account. Contacts come through exports (see ContactExports); kinds the key
 * has no scope for are read as empty and reported by the scan.
 */
export class SendGridConnector implements SourceConnector {
  readonly http: SendGridHttp;
  readonly problems = new ProblemLog();
  readonly perContactGroups = false;
  readonly listRecordsAreComplete = true;
  private readonly exports: ContactExports;
  private scopeSet: Set<string> | undefined;
  private fieldNames: Map<string, string> | undefined;

  constructor(private readonly options: SendGridConnectorOptions) {
    this.http = new SendGridHttp(options);
    this.exports = new ContactExports(this.http, options);
  }

  async validateCredential(): Promise<void> {
    await this.scopes();
  }

  async scopes(): Promise<Set<string>> {
    this.scopeSet ??= await readScopes(this.http);
    return this.scopeSet;
  }

  /** Scopes `kind` needs that the key lacks. */
  async missingScopes(kind: ScopedKind): Promise<string[]> {
    return missingScopes(await this.scopes(), kind);
  }

  private async allowed(kind: ScopedKind): Promise<boolean> {
    return (await this.missingScopes(kind)).length === 0;
  }

  async scopeErrors(): Promise<ScanError[]> {
    return scopeErrors(await this.scopes());
  }

  scan(counted?: ScanCounted): Promise<ScanResult> {
    return scanSendGrid(this, counted);
  }

  // eslint-disable-next-line require-yield
  async *domains(): AsyncGenerator<SourceDomain> {
    // Domain authentication is re-done on this platform; SendGrid's records do not carry over.
  }

  async lists(): Promise<(SourceList & { contactCount: number })[]> {
    if (!(await this.allowed('contacts'))) return [];
    const out: (SourceList & { contactCount: number })[] = [];
    const seen = new Set<string>();
    for await (const l of linkedPages(this.http, '/v3/marketing/lists', { page_size: SENDGRID_LIST_PAGE_SIZE }, wireList, 'audience', this.problems)) {
      if (seen.has(l.id)) throw new SourceError('pagination_stuck', 'SendGrid GET /v3/marketing/lists repeated a page');
      seen.add(l.id);
      out.push(mapList(l));
    }
    return out;
  }

  /** SendGrid builds exports slowly (minutes for a large account): start them all now, ready when their turn comes. */
  prepareContactReads(lists: SourceList[], global: boolean): void {
    for (const list of lists) void this.exports.start([list.sourceId]);
    if (global) void this.exports.start(null);
  }

  listMembers(list: SourceList, after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    // The count our own lists() gave, to cross-check the export against.
    const listCount = (list as { contactCount?: number }).contactCount;
    return this.exports.pages([list.sourceId], after ?? null, () => this.customFieldNames(), listCount);
  }

  async *globalContacts(after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    if (!(await this.allowed('contacts'))) return;
    yield* this.exports.pages(null, after ?? null, () => this.customFieldNames());
  }

  /** Export headers are lower-cased: this gives each custom field column its own name back. */
  private async customFieldNames(): Promise<Map<string, string>> {
    this.fieldNames ??= new Map((await this.customFields()).map((f) => [f.key.toLowerCase(), f.key]));
    return this.fieldNames;
  }

  async customFields(): Promise<SourceCustomField[]> {
    if (!(await this.allowed('contacts'))) return [];
    const where = 'GET /v3/marketing/field_definitions';
    const defs = parseBody(where, wireFieldDefinitions, await this.http.get('/v3/marketing/field_definitions'));
    return parseItems(defs.custom_fields ?? [], wireCustomField, 'custom_field', this.problems, where).map(mapCustomField);
  }

  async suppressionGroups(): Promise<SourceSuppressionGroup[]> {
    if (!(await this.allowed('groups'))) return [];
    const where = 'GET /v3/asm/groups';
    const groups = parseItems(parseBody(where, wireItems, await this.http.get('/v3/asm/groups')), wireGroup, 'suppression_group', this.problems, where);
    return groups.map(mapGroup);
  }

  async *groupOptOuts(topic: SourceSuppressionGroup): AsyncGenerator<string[]> {
    const path = `/v3/asm/groups/${encodeURIComponent(topic.sourceId)}/suppressions`;
    const emails = parseBody(`GET ${path}`, wireItems, await this.http.get(path));
    yield emails.flatMap((e, i) => {
      const email = wireGroupOptOut.safeParse(e);
      if (email.success) return [email.data];
      this.problems.report('suppression', `item ${i} of group ${topic.sourceId}`, 'not an email address');
      return [];
    });
  }

  /** Dynamic templates, each by its active version. */
  async templateSummaries(): Promise<{ id: string; name: string }[]> {
    if (!(await this.allowed('templates'))) return [];
    const out: { id: string; name: string }[] = [];
    const query = { generations: 'dynamic', page_size: SENDGRID_TEMPLATE_PAGE_SIZE };
    for await (const t of linkedPages(this.http, '/v3/templates', query, wireTemplateSummary, 'template', this.problems)) {
      out.push(mapTemplateSummary(t));
    }
    return out;
  }

  /** Null, reported, when the template was deleted meanwhile or is unreadable: one template never fails the import. */
  async template(id: string): Promise<SourceTemplate | null> {
    const t = await readDetail(this.problems, 'SendGrid', { kind: 'template', sourceId: id }, () => this.http.get(`/v3/templates/${encodeURIComponent(id)}`), wireTemplate);
    return t && t !== 'gone' ? mapTemplate(t) : null;
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
      const path = `/v3/suppression/${kind}`;
      for await (const { rows, offset } of offsetPages(this.http, path, SENDGRID_SUPPRESSION_PAGE_SIZE, start)) {
        yield {
          items: parseItems(rows, wireSuppression, 'suppression', this.problems, `GET ${path} at offset ${offset}`).map((r) => mapSuppression(r, reason)),
          nextCursor: `${kind}:${offset + rows.length}`,
        };
      }
    }
  }

  hostedImageUrls(html: string): string[] {
    return hostedImageUrls(html);
  }

  fetchImage(url: string): Promise<{ bytes: Buffer; contentType: string }> {
    return fetchImage(url, this.options);
  }

  async contactDetails(): Promise<SourceContactDetails> {
    return {}; // custom field values come with the export rows
  }
}
