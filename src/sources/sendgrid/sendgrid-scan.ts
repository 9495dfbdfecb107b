import type { SendGridConnector } from './sendgrid-connector.js';
import { REQUIRED_SCOPES, type ScopedKind } from './sendgrid-scopes.js';
import { wireContactCount } from './sendgrid-wire.js';
import { scanProblems } from '../shared/record-problems.js';
import type { ScanCounted } from '../source-types.js';
import { selectable, type ScanKind, type ScanPermission, type ScanResult } from '../../model/scan-result.js';

/** Which of our kinds each SendGrid scope group lets us read. */
const KINDS_OF: Record<ScopedKind, ScanKind[]> = {
  contacts: ['audiences', 'contacts', 'custom_fields'],
  templates: ['templates'],
  groups: ['suppression_groups'],
  suppressions: ['suppressions'],
};

/**
 * What a SendGrid import would bring. Counts come from list counts, field definitions, groups,
 * templates and the suppression lists; contacts are counted by SendGrid, not exported here.
 * Kinds the key cannot read are listed in `errors` and `permissions` with the missing scopes,
 * and left out. SendGrid does not publish a request rate for these endpoints: the estimate
 * counts requests only.
 */
export async function scanSendGrid(connector: SendGridConnector, counted: ScanCounted = () => {}): Promise<ScanResult> {
  const errors = await connector.scopeErrors();
  const permissions: ScanPermission[] = [];
  for (const resource of Object.keys(REQUIRED_SCOPES) as ScopedKind[]) {
    const missing = await connector.missingScopes(resource);
    permissions.push({ resource, kinds: KINDS_OF[resource], allowed: missing.length === 0, missingScopes: missing });
  }
  const lists = await connector.lists();
  counted('audiences', lists.length);
  const fields = await connector.customFields();
  counted('custom_fields', fields.length);
  const groups = await connector.suppressionGroups();
  counted('suppression_groups', groups.length);
  const templates = await connector.templateSummaries();
  counted('templates', templates.length);
  let total: number | null = null;
  if (permissions.find((p) => p.resource === 'contacts')!.allowed) {
    const contactCount = wireContactCount.safeParse(await connector.http.get('/v3/marketing/contacts/count'));
    total = contactCount.data?.contact_count ?? null;
    if (total !== null) counted('contacts', total);
  }
  const byOrigin = new Map<string, number>();
  let suppressions = 0;
  for await (const page of connector.suppressions()) {
    suppressions += page.items.length;
    for (const s of page.items) byOrigin.set(s.reason, (byOrigin.get(s.reason) ?? 0) + 1);
    counted('suppressions', suppressions);
  }

  const requests: [ScanKind, number][] = [
    ['contacts', (lists.length + 1) * 3], // per export: create, poll, download (at least)
    ['custom_fields', 1],
    ['templates', 1 + templates.length],
    ['suppression_groups', 1 + groups.length],
    ['suppressions', 5 + Math.floor(suppressions / 500)],
  ];
  return {
    // Domain authentication is re-done on this platform; SendGrid's records do not carry over.
    domains: [],
    audiences: lists.map((l) => ({ id: l.sourceId, name: l.name, kind: 'list', contactCount: l.contactCount, unsubscribedCount: null, ...selectable })),
    contacts: { total, unsubscribed: null, invalid: null, withoutList: null },
    customFields: fields.map((f) => ({ id: f.sourceId, key: f.key, type: f.type, ...selectable })),
    // Unsubscribe groups: everyone is in one until they opt out.
    suppressionGroups: groups.map((g) => ({ id: g.sourceId, name: g.name, defaultSubscription: 'opt_in', ...selectable })),
    templates: templates.map((t) => ({ id: t.id, name: t.name, status: null, alias: null, ...selectable })),
    suppressions: { total: suppressions, byOrigin: [...byOrigin].map(([origin, count]) => ({ origin, count })) },
    permissions,
    estimate: {
      rateLimit: null,
      kinds: requests.map(([kind, n]) => ({ kind, requests: n, seconds: null })),
      total: { requests: requests.reduce((sum, [, n]) => sum + n, 0), seconds: null },
    },
    errors: [...errors, ...scanProblems(connector.problems.drain())],
  };
}
