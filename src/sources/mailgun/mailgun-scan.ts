import { SourceError, type ScanCounted } from '../source-types.js';
import { selectable, type ScanError, type ScanKind, type ScanResult } from '../../model/scan-result.js';
import { scanProblems } from '../shared/record-problems.js';
import { z } from 'zod';
import { pivotPages } from './mailgun-pagination.js';
import { ALL_TAGS, tagGroupId, type MailgunConnector } from './mailgun-connector.js';

/**
 * What a Mailgun import would bring: domains, lists with their members (read once, for the
 * distinct contacts, the unsubscribed and what the vars hold), templates, the unsubscribe tags
 * and the suppressions. Mailgun publishes no read rate: the estimate counts requests only. Its
 * allowlist is said, not imported: allowing an address is not suppressing it.
 */
export async function scanMailgun(connector: MailgunConnector, counted: ScanCounted = () => {}): Promise<ScanResult> {
  const errors: ScanError[] = [];
  const http = await connector.http();
  const domainNames = await connector.domainNames();
  const domains = [];
  for await (const d of connector.domains()) {
    domains.push({ id: d.sourceId, name: d.name, status: d.status, region: d.region, ...selectable });
    counted('domains', domains.length);
  }
  const lists = await connector.listsWithCounts();
  counted('audiences', lists.length);
  const members = await connector.inspectMembers((n) => counted('contacts', n));
  const fields = await connector.customFields();
  counted('custom_fields', fields.length);
  const templates = await connector.templateSummaries();
  counted('templates', templates.length);
  const tags = await connector.unsubscribeTags();
  counted('suppression_groups', tags.size);

  const byOrigin = new Map<string, number>();
  let total = 0;
  let pages = 0;
  for await (const page of connector.suppressions()) {
    pages++;
    total += page.items.length;
    for (const s of page.items) byOrigin.set(s.reason, (byOrigin.get(s.reason) ?? 0) + 1);
    counted('suppressions', total);
  }
  let allowlisted = 0;
  for (const domain of domainNames) {
    try {
      for await (const page of pivotPages(http, { path: `/v3/${encodeURIComponent(domain)}/whitelists`, query: { limit: 1000 } }, z.unknown(), 'suppression', connector.problems)) {
        allowlisted += page.items.length;
      }
    } catch (err) {
      if (!(err instanceof SourceError && err.kind === 'not_found')) throw err;
    }
  }
  if (allowlisted) {
    errors.push({ resource: 'allowlist', message: `${allowlisted} allowlist entries (addresses or domains Mailgun never suppresses) are not imported: allowing an address is not suppressing it` });
  }

  const requests: [ScanKind, number][] = [
    ['domains', 1 + domainNames.length],
    ['audiences', 1 + Math.ceil(lists.length / 100)],
    ['contacts', members.pages + lists.length],
    ['templates', templates.length + domainNames.length],
    ['suppression_groups', 0],
    ['suppressions', pages + domainNames.length * 3],
  ];
  return {
    domains,
    audiences: lists.map((l) => ({
      id: l.sourceId,
      name: l.name,
      kind: l.kind,
      contactCount: l.contactCount ?? 0,
      unsubscribedCount: members.unsubscribedByList.get(l.sourceId) ?? 0,
      ...selectable,
      reasons: (members.unsubscribedByList.get(l.sourceId) ?? 0) > 0 ? ['its unsubscribed members stay unsubscribed from this audience only, as on Mailgun'] : [],
    })),
    contacts: { total: members.contacts, unsubscribed: members.unsubscribed, invalid: members.invalid, withoutList: 0 },
    customFields: fields.map((f) => ({ id: f.sourceId, key: f.key, type: f.type, ...selectable, reasons: ['a member var: its type is what every value of it says'] })),
    suppressionGroups: [...tags].map(([tag, emails]) => ({
      id: tagGroupId(tag),
      name: tag,
      defaultSubscription: 'opt_in' as const,
      ...selectable,
      reasons: [`${emails.length} unsubscribed from this tag (a tag of “${ALL_TAGS}” is account-wide and goes to the suppression list)`],
    })),
    templates: templates.map((t) => ({ id: t.id, name: t.name, status: null, alias: t.id.slice(t.id.indexOf('/') + 1), ...selectable })),
    suppressions: { total, byOrigin: [...byOrigin].map(([origin, count]) => ({ origin, count })) },
    permissions: [],
    estimate: {
      rateLimit: null,
      kinds: requests.map(([kind, n]) => ({ kind, requests: n, seconds: null })),
      total: { requests: requests.reduce((sum, [, n]) => sum + n, 0), seconds: null },
    },
    errors: [...errors, ...scanProblems(connector.problems.drain())],
  };
}
