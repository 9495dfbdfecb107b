import type { ScanCounted } from '../source-types.js';
import { selectable, type ScanKind, type ScanPermission, type ScanResult } from '../../model/scan-result.js';
import { scanProblems } from '../shared/record-problems.js';
import type { PostmarkConnector } from './postmark-connector.js';

/**
 * What a Postmark import would bring: the servers the token sees with their streams, domains
 * and sender signatures (account token only), templates and layouts, and every stream's
 * suppressions. Postmark has no contacts. A server token is said to see one server, and what
 * only the account token reads is a missing permission.
 */
export async function scanPostmark(connector: PostmarkConnector, counted: ScanCounted = () => {}): Promise<ScanResult> {
  const kind = await connector.kind();
  const servers = await connector.servers();
  const domains = [];
  for await (const d of connector.domains()) {
    domains.push({ id: d.sourceId, name: d.name, status: d.status, region: null, ...selectable });
    counted('domains', domains.length);
  }
  const streams = await connector.streams();
  const groups = await connector.suppressionGroups();
  counted('suppression_groups', groups.length);
  const templates = await connector.templateSummaries();
  counted('templates', templates.length);
  const byOrigin = new Map<string, number>();
  let total = 0;
  for await (const page of connector.suppressions()) {
    total += page.items.length;
    for (const s of page.items) byOrigin.set(s.reason, (byOrigin.get(s.reason) ?? 0) + 1);
    counted('suppressions', total);
  }
  const permissions: ScanPermission[] = [
    { resource: 'domains', kinds: ['domains'], allowed: kind === 'account', missingScopes: kind === 'account' ? [] : ['Account API token'] },
  ];
  const groupMembers = new Map<string, number>();
  for (const g of groups) {
    let n = 0;
    for await (const emails of connector.groupOptOuts(g)) n += emails.length;
    groupMembers.set(g.sourceId, n);
  }
  const requests: [ScanKind, number][] = [
    ['domains', kind === 'account' ? 2 + domains.length : 0],
    ['templates', servers.length + templates.length],
    ['suppression_groups', groups.length],
    ['suppressions', streams.length],
  ];
  const seen = kind === 'account' ? `an Account API token: it sees all ${servers.length} servers` : `a Server API token: it sees the server ${servers[0]?.name ?? ''} only (an Account API token would see every server, and the domains)`;
  return {
    domains,
    audiences: [],
    contacts: { total: 0, unsubscribed: 0, invalid: 0, withoutList: 0 },
    customFields: [],
    suppressionGroups: groups.map((g) => ({
      id: g.sourceId,
      name: g.name,
      defaultSubscription: 'opt_in' as const,
      ...selectable,
      reasons: [`${groupMembers.get(g.sourceId) ?? 0} suppressed on this broadcast stream (transactional streams' suppressions go to the suppression list)`],
    })),
    templates: templates.map((t) => ({ id: t.id, name: t.name, status: null, alias: null, ...selectable })),
    suppressions: { total, byOrigin: [...byOrigin].map(([origin, count]) => ({ origin, count })) },
    permissions,
    estimate: {
      rateLimit: null,
      kinds: requests.map(([k, n]) => ({ kind: k, requests: n, seconds: null })),
      total: { requests: requests.reduce((sum, [, n]) => sum + n, 0), seconds: null },
    },
    errors: [
      { resource: 'token', message: `The credential is ${seen}. Postmark has no contacts, lists or custom fields: nothing of those kinds comes from it.` },
      ...scanProblems(connector.problems.drain()),
    ],
  };
}
