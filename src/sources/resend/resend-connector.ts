import { z } from 'zod';
import { RatePacer } from '../shared/rate-pacer.js';
import {
  SourceError,
  type SourceConnector,
  type SourceContact,
  type SourceContactDetails,
  type SourceCustomField,
  type SourceSuppression,
  type SourceTemplate,
  type SourceSuppressionGroup,
  type SourceDomain,
  type SourceList,
  type SourcePage,
  type ScanCounted,
} from '../source-types.js';
import { scanResend } from './resend-scan.js';
import type { ScanResult } from '../../model/scan-result.js';
import type { RecordKind } from '../../model/record-kinds.js';
import { ResendHttp, RESEND_INITIAL_RATE_LIMIT } from './resend-http.js';
import { paginate } from './resend-pagination.js';
import { ProblemLog } from '../shared/record-problems.js';
import { readDetail } from '../shared/record-detail.js';
import { mapContact, mapDomain, mapList, mapProperties, mapSuppression, mapTemplate } from './resend-mapping.js';
import {
  wireContact,
  wireContactDetail,
  wireContactProperty,
  wireContactTopic,
  wireDomain,
  wireList,
  wireSuppression,
  wireTemplate,
  wireTopic,
} from './resend-wire.js';

export interface ResendConnectorOptions {
  baseUrl: string;
  apiKey: string;
  signal?: AbortSignal;
  pacer?: RatePacer;
  backoffBaseMs?: number;
  retryBudgetMs?: number;
}

/** Reads one Resend team: domains, audiences/segments and their contacts, global contacts. */
export class ResendConnector implements SourceConnector {
  readonly http: ResendHttp;
  readonly problems = new ProblemLog();
  readonly perContactGroups = true;
  private globalContactsAvailable: boolean | undefined;

  constructor(options: ResendConnectorOptions) {
    this.http = new ResendHttp({
      ...options,
      pacer: options.pacer ?? new RatePacer(RESEND_INITIAL_RATE_LIMIT),
    });
  }

  /** One cheap read proves the key works and may read (a sending-only key cannot). */
  async validateCredential(): Promise<void> {
    await this.http.get('/domains', { limit: 1 });
  }

  scan(counted?: ScanCounted): Promise<ScanResult> {
    return scanResend(this, counted);
  }

  /** Whether the team has the Nov-2025 model (segments and global contacts). */
  async hasGlobalContacts(): Promise<boolean> {
    if (this.globalContactsAvailable === undefined) {
      this.globalContactsAvailable = await this.http.get('/segments', { limit: 1 }).then(
        () => true,
        (err: unknown) => {
          if (err instanceof SourceError && err.kind === 'not_found') return false;
          throw err;
        },
      );
    }
    return this.globalContactsAvailable;
  }

  /** Every domain with its DNS records (one extra GET per domain). */
  async *domains(): AsyncGenerator<SourceDomain> {
    for await (const page of paginate(this.http, '/domains', wireDomain, this.report('domain'))) {
      for (const item of page.items) {
        const detail = await this.detail('domain', item.id, `/domains/${encodeURIComponent(item.id)}`, wireDomain);
        // Without its detail (deleted meanwhile, or unreadable: reported) the listed domain still comes, without records.
        if (detail !== 'gone') yield mapDomain(detail ?? item);
      }
    }
  }

  /**
   * Segments and legacy audiences, deduplicated by id (the two share one id space; /audiences
   * also lists segments on new accounts).
   */
  async lists(): Promise<SourceList[]> {
    const byId = new Map<string, SourceList>();
    if (await this.hasGlobalContacts()) {
      for await (const page of paginate(this.http, '/segments', wireList, this.report('audience'))) {
        for (const s of page.items) byId.set(s.id, mapList(s, 'segment'));
      }
    }
    for await (const page of this.optional(paginate(this.http, '/audiences', wireList, this.report('audience')))) {
      for (const a of page.items) if (!byId.has(a.id)) byId.set(a.id, mapList(a, 'audience'));
    }
    return [...byId.values()];
  }

  /**
   * Members of one list, page by page from `after`. Segment members are global contacts (their
   * `unsubscribed` is global); audience members are per-audience records with their own flag.
   */
  async *listMembers(list: SourceList, after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    const path =
      list.kind === 'segment'
        ? `/segments/${encodeURIComponent(list.sourceId)}/contacts`
        : `/audiences/${encodeURIComponent(list.sourceId)}/contacts`;
    for await (const page of paginate(this.http, path, wireContact, this.report('contact'), { after })) {
      yield { items: page.items.map(mapContact), nextCursor: page.nextCursor };
    }
  }

  /** Every global contact (also those in no segment), page by page from `after`. */
  async *globalContacts(after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    if (!(await this.hasGlobalContacts())) return;
    for await (const page of paginate(this.http, '/contacts', wireContact, this.report('contact'), { after })) {
      yield { items: page.items.map(mapContact), nextCursor: page.nextCursor };
    }
  }

  /** Contact properties; none on accounts without the feature. */
  async customFields(): Promise<SourceCustomField[]> {
    if (!(await this.hasGlobalContacts())) return [];
    const out: SourceCustomField[] = [];
    for await (const page of this.optional(paginate(this.http, '/contact-properties', wireContactProperty, this.report('custom_field')))) {
      for (const p of page.items) out.push({ sourceId: p.id, key: p.key, type: p.type ?? 'string', fallback: p.fallback_value });
    }
    return out;
  }

  async suppressionGroups(): Promise<SourceSuppressionGroup[]> {
    if (!(await this.hasGlobalContacts())) return [];
    const out: SourceSuppressionGroup[] = [];
    for await (const page of this.optional(paginate(this.http, '/topics', wireTopic, this.report('suppression_group')))) {
      for (const t of page.items) {
        out.push({
          sourceId: t.id,
          name: t.name?.trim() || t.id,
          description: t.description ?? null,
          defaultSubscription: t.default_subscription === 'opt_out' ? 'opt_out' : 'opt_in',
        });
      }
    }
    return out;
  }

  /** A template in full: the list has no bodies, so one GET per template; null when gone or unreadable (reported). */
  async template(id: string): Promise<SourceTemplate | null> {
    const t = await this.detail('template', id, `/templates/${encodeURIComponent(id)}`, wireTemplate);
    return t && t !== 'gone' ? mapTemplate(t) : null;
  }

  async *suppressions(after?: string | null): AsyncGenerator<SourcePage<SourceSuppression>> {
    if (!(await this.hasGlobalContacts())) return;
    for await (const page of this.optional(paginate(this.http, '/suppressions', wireSuppression, this.report('suppression'), { after }))) {
      yield { items: page.items.map(mapSuppression), nextCursor: page.nextCursor };
    }
  }

  /** One GET per wanted detail: properties come only with the single-contact read. */
  async contactDetails(contact: SourceContact, want: { properties: boolean; groups: boolean }): Promise<SourceContactDetails> {
    const id = encodeURIComponent(contact.sourceId);
    const details: SourceContactDetails = {};
    if (want.properties) {
      const body = await this.detail('contact', contact.sourceId, `/contacts/${id}`, wireContactDetail);
      if (body && body !== 'gone') details.properties = mapProperties(body.properties);
    }
    if (want.groups) {
      details.groups = {};
      try {
        for await (const page of paginate(this.http, `/contacts/${id}/topics`, wireContactTopic, this.report('group_suppression'))) {
          for (const t of page.items) details.groups[t.id] = t.subscription === 'opt_out' ? 'opt_out' : 'opt_in';
        }
      } catch (err) {
        if (!(err instanceof SourceError && err.kind === 'not_found')) throw err;
        this.problems.report('contact', contact.sourceId, 'deleted at Resend while the import ran (topic subscriptions not read)');
      }
    }
    return details;
  }

  private report(kind: RecordKind) {
    return { kind, problems: this.problems };
  }

  /** One record's detail at `path` (see readDetail). */
  private detail<T extends z.ZodType>(kind: RecordKind, sourceId: string, path: string, schema: T): Promise<z.infer<T> | null | 'gone'> {
    return readDetail(this.problems, 'Resend', { kind, sourceId }, () => this.http.get(path), schema);
  }

  /** A feature the account lacks answers 404: read it as empty. */
  private async *optional<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
    try {
      yield* pages;
    } catch (err) {
      if (err instanceof SourceError && err.kind === 'not_found') return;
      throw err;
    }
  }
}
