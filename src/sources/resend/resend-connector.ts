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
  type SourceTopic,
  type SourceDomain,
  type SourceList,
  type SourcePage,
} from '../source-types.js';
import { scanResend, type ResendScanResult } from './resend-scan.js';
import { ResendHttp, RESEND_INITIAL_RATE_LIMIT } from './resend-http.js';
import { paginate, parseShape } from './resend-pagination.js';
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
}

/** Reads one Resend team: domains, audiences/segments and their contacts, global contacts. */
export class ResendConnector implements SourceConnector {
  readonly http: ResendHttp;
  readonly perContactTopics = true;
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

  scan(): Promise<ResendScanResult & Record<string, unknown>> {
    return scanResend(this) as Promise<ResendScanResult & Record<string, unknown>>;
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
    for await (const page of paginate(this.http, '/domains', wireDomain)) {
      for (const item of page.items) {
        const path = `/domains/${encodeURIComponent(item.id)}`;
        const full = parseShape(`GET ${path}`, wireDomain, await this.http.get(path));
        yield mapDomain(full);
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
      for await (const page of paginate(this.http, '/segments', wireList)) {
        for (const s of page.items) byId.set(s.id, mapList(s, 'segment'));
      }
    }
    for await (const page of this.optional(paginate(this.http, '/audiences', wireList))) {
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
    for await (const page of paginate(this.http, path, wireContact, { after })) {
      yield { items: page.items.map(mapContact), nextCursor: page.nextCursor };
    }
  }

  /** Every global contact (also those in no segment), page by page from `after`. */
  async *globalContacts(after?: string | null): AsyncGenerator<SourcePage<SourceContact>> {
    if (!(await this.hasGlobalContacts())) return;
    for await (const page of paginate(this.http, '/contacts', wireContact, { after })) {
      yield { items: page.items.map(mapContact), nextCursor: page.nextCursor };
    }
  }

  /** Contact properties; none on accounts without the feature. */
  async customFields(): Promise<SourceCustomField[]> {
    if (!(await this.hasGlobalContacts())) return [];
    const out: SourceCustomField[] = [];
    for await (const page of this.optional(paginate(this.http, '/contact-properties', wireContactProperty))) {
      for (const p of page.items) out.push({ sourceId: p.id, key: p.key, type: p.type, fallback: p.fallback_value ?? null });
    }
    return out;
  }

  async topics(): Promise<SourceTopic[]> {
    if (!(await this.hasGlobalContacts())) return [];
    const out: SourceTopic[] = [];
    for await (const page of this.optional(paginate(this.http, '/topics', wireTopic))) {
      for (const t of page.items) {
        out.push({
          sourceId: t.id,
          name: t.name,
          description: t.description ?? null,
          defaultSubscription: t.default_subscription ?? 'opt_in',
        });
      }
    }
    return out;
  }

  /** A template in full: the list has no bodies, so one GET per template. */
  async template(id: string): Promise<SourceTemplate | null> {
    const path = `/templates/${encodeURIComponent(id)}`;
    try {
      return mapTemplate(parseShape(`GET ${path}`, wireTemplate, await this.http.get(path)));
    } catch (err) {
      if (err instanceof SourceError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  async *suppressions(): AsyncGenerator<SourcePage<SourceSuppression>> {
    if (!(await this.hasGlobalContacts())) return;
    for await (const page of this.optional(paginate(this.http, '/suppressions', wireSuppression))) {
      yield { items: page.items.map(mapSuppression), nextCursor: page.nextCursor };
    }
  }

  /** One GET per wanted detail: properties come only with the single-contact read. */
  async contactDetails(contact: SourceContact, want: { properties: boolean; topics: boolean }): Promise<SourceContactDetails> {
    const id = encodeURIComponent(contact.sourceId);
    const details: SourceContactDetails = {};
    if (want.properties) {
      const path = `/contacts/${id}`;
      const body = parseShape(`GET ${path}`, wireContactDetail, await this.http.get(path));
      details.properties = mapProperties(body.properties);
    }
    if (want.topics) {
      details.topics = {};
      for await (const page of paginate(this.http, `/contacts/${id}/topics`, wireContactTopic)) {
        for (const t of page.items) details.topics[t.id] = t.subscription;
      }
    }
    return details;
  }

  /** Counts a list endpoint without keeping its items. */
  async count(path: string, query: Record<string, string> = {}): Promise<number> {
    let total = 0;
    for await (const page of paginate(this.http, path, z.object({ id: z.string() }), { query })) {
      total += page.items.length;
    }
    return total;
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
