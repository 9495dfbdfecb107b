import type { z } from 'zod';
import type { RecordKind } from '../../model/record-kinds.js';
import { emailProblem } from '../shared/email.js';
import { emailKey } from '../shared/email-key.js';
import { SourceError, type ScanCounted, type SourceList } from '../source-types.js';
import { selectable, type ScanAudience, type ScanDomain, type ScanError, type ScanKind, type ScanResult } from '../../model/scan-result.js';
import type { ResendConnector } from './resend-connector.js';
import { scanProblems } from '../shared/record-problems.js';
import { paginate, RESEND_PAGE_SIZE } from './resend-pagination.js';
import { wireContactProperty, wireSuppression, wireTemplateSummary, wireTopic } from './resend-wire.js';


/**
 * Reads what an import would bring: every list with its member count, distinct contacts, and
 * the other kinds' counts, plus the request count and duration at the team's rate limit. A kind
 * the account lacks (404) or that fails goes to `errors`; the scan itself only fails on
 * credential or connectivity problems.
 */
export async function scanResend(connector: ResendConnector, counted: ScanCounted = () => {}): Promise<ScanResult> {
  const errors: ScanError[] = [];
  const http = connector.http;
  const guard = async <T>(resource: string, fallback: T, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      // A rejected key or an unreachable provider fails the scan; a kind that fails alone does not.
      if (!(err instanceof SourceError) || ['invalid_credential', 'restricted_credential', 'unavailable'].includes(err.kind)) {
        throw err;
      }
      errors.push({
        resource,
        message: err.kind === 'not_found' ? `${resource} are not available on this Resend account` : err.message,
      });
      return fallback;
    }
  };
  const collect = async <T extends { id: string }>(path: string, schema: z.ZodType<T>, kind: RecordKind, counts: ScanKind): Promise<T[]> => {
    const out: T[] = [];
    for await (const page of paginate(http, path, schema, { kind, problems: connector.problems })) {
      out.push(...page.items);
      counted(counts, out.length);
    }
    return out;
  };

  const domains = await guard('domains', [], async () => {
    const out: ScanDomain[] = [];
    for await (const d of connector.domains()) {
      out.push({ id: d.sourceId, name: d.name, status: d.status, region: d.region, ...selectable });
      counted('domains', out.length);
    }
    return out;
  });

  const seen = new Set<number>();
  const unsubscribed = new Set<number>();
  let invalid = 0;
  const note = (email: string, isUnsubscribed: boolean) => {
    const key = emailKey(email);
    if (!seen.has(key)) {
      seen.add(key);
      if (emailProblem(email)) invalid++;
    }
    if (isUnsubscribed) unsubscribed.add(key);
  };

  let memberPages = 0;
  const lists = await guard('audiences', [] as SourceList[], () => connector.lists());
  counted('audiences', lists.length);
  const audiences: ScanAudience[] = [];
  for (const list of lists) {
    const row: ScanAudience = { id: list.sourceId, name: list.name, kind: list.kind, contactCount: 0, unsubscribedCount: 0, ...selectable, reasons: [] };
    const readBefore = errors.length;
    await guard(`contacts of ${list.kind} ${list.sourceId}`, null, async () => {
      for await (const page of connector.listMembers(list)) {
        memberPages++;
        for (const c of page.items) {
          row.contactCount++;
          if (c.unsubscribed) row.unsubscribedCount!++;
          note(c.email, c.unsubscribed);
        }
        counted('contacts', seen.size);
      }
      return null;
    });
    // Still selectable: the import reads the list again and reports what fails then.
    if (errors.length > readBefore) row.reasons.push(`its contacts could not all be counted: ${errors.at(-1)!.message}`);
    if (list.kind === 'segment') row.reasons.push('a segment: its members today become a static audience here');
    audiences.push(row);
  }
  const inLists = seen.size;
  let globalPages = 0;
  let globalContacts = 0;
  await guard('contacts', null, async () => {
    for await (const page of connector.globalContacts()) {
      globalPages++;
      for (const c of page.items) {
        globalContacts++;
        note(c.email, c.unsubscribed);
      }
      counted('contacts', seen.size);
    }
    return null;
  });

  const hasGlobal = await connector.hasGlobalContacts().catch(() => false);
  const featureGuard = <T>(resource: string, read: () => Promise<T[]>): Promise<T[]> =>
    hasGlobal ? guard<T[]>(resource, [], read) : Promise.resolve(notAvailable<T>(errors, resource));

  const properties = await featureGuard('contact properties', () => collect('/contact-properties', wireContactProperty, 'custom_field', 'custom_fields'));
  const topics = await featureGuard('topics', () => collect('/topics', wireTopic, 'suppression_group', 'suppression_groups'));
  const templates = await featureGuard('templates', () => collect('/templates', wireTemplateSummary, 'template', 'templates'));
  const suppressionRows = await featureGuard('suppressions', () => collect('/suppressions', wireSuppression, 'suppression', 'suppressions'));
  const byOrigin: Record<string, number> = {};
  for (const s of suppressionRows) byOrigin[s.origin ?? 'unknown'] = (byOrigin[s.origin ?? 'unknown'] ?? 0) + 1;

  const pages = (n: number) => Math.max(1, Math.ceil(n / RESEND_PAGE_SIZE));
  const rate = connector.http.pacer.currentLimit;
  const perContact = hasGlobal ? globalContacts : 0;
  // Custom field values and topic opt-outs cost one request per contact each.
  const requests: [ScanKind, number][] = [
    ['domains', pages(domains.length) + domains.length], // the list, then one GET per domain for its records
    ['audiences', 2], // segments and audiences lists
    ['contacts', memberPages + globalPages],
    ['custom_fields', pages(properties.length) + (properties.length ? perContact : 0)],
    ['templates', pages(templates.length) + templates.length],
    ['suppression_groups', pages(topics.length) + (topics.length ? perContact : 0)],
    ['suppressions', pages(suppressionRows.length)],
  ];
  const totalRequests = requests.reduce((sum, [, n]) => sum + n, 0);

  return {
    domains,
    audiences,
    contacts: { total: seen.size, unsubscribed: unsubscribed.size, invalid, withoutList: Math.max(0, seen.size - inLists) },
    customFields: properties.map((p) => ({ id: p.id, key: p.key, type: p.type ?? 'string', ...selectable })),
    suppressionGroups: topics.map((t) => ({ id: t.id, name: t.name?.trim() || t.id, defaultSubscription: subscriptionDefault(t.default_subscription), ...selectable })),
    templates: templates.map((t) => ({ id: t.id, name: t.name?.trim() || t.alias || t.id, status: t.status ?? null, alias: t.alias ?? null, ...selectable })),
    suppressions: { total: suppressionRows.length, byOrigin: Object.entries(byOrigin).map(([origin, count]) => ({ origin, count })) },
    permissions: null,
    estimate: {
      rateLimit: rate,
      kinds: requests.map(([kind, n]) => ({ kind, requests: n, seconds: Math.ceil(n / rate) })),
      total: { requests: totalRequests, seconds: Math.ceil(totalRequests / rate) },
      withContactsUpload: properties.length && perContact ? { requests: totalRequests - perContact, seconds: Math.ceil((totalRequests - perContact) / rate) } : null,
    },
    errors: [...errors, ...scanProblems(connector.problems.drain())],
  };
}

function notAvailable<T>(errors: ScanError[], resource: string): T[] {
  errors.push({ resource, message: `${resource} are not available on this Resend account (legacy API)` });
  return [];
}

/** Resend's documented values; anything else is not a default we can honour. */
function subscriptionDefault(value: string | null | undefined): 'opt_in' | 'opt_out' | null {
  return value === 'opt_in' || value === 'opt_out' ? value : null;
}
