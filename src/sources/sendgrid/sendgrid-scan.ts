import type { ScanError } from '../source-types.js';
import type { SendGridConnector } from './sendgrid-connector.js';
import { wireContactCount } from './sendgrid-wire.js';
import { scanProblems } from '../shared/record-problems.js';

export interface SendGridScanResult {
  domains: { name: string; status: string }[];
  audiences: { id: string; name: string; kind: 'list'; contact_count: number }[];
  contacts: { total: number | null };
  contact_properties: { id: string; key: string; type: string }[];
  topics: { id: string; name: string }[];
  templates: { id: string; name: string }[];
  suppressions: { total: number };
  /** Per kind: what the key's scopes allow, and what is missing. */
  permissions: Record<string, { allowed: boolean; missing_scopes: string[] }>;
  estimate: { kinds: Record<string, { requests: number }>; total: { requests: number } };
  errors: ScanError[];
}

/**
 * What a SendGrid import would bring. Counts come from list counts, field definitions, groups,
 * templates and the suppression lists; contacts are counted by SendGrid, not exported here.
 * Kinds the key cannot read are listed in `errors` with the missing scopes, and left out.
 */
export async function scanSendGrid(connector: SendGridConnector): Promise<SendGridScanResult> {
  const errors = await connector.scopeErrors();
  const permissions: SendGridScanResult['permissions'] = {};
  for (const kind of ['contacts', 'templates', 'groups', 'suppressions'] as const) {
    const missing = await connector.missingScopes(kind);
    permissions[kind] = { allowed: missing.length === 0, missing_scopes: missing };
  }
  const lists = await connector.lists();
  const fields = await connector.customFields();
  const groups = await connector.topics();
  const templates = await connector.templateSummaries();
  let total: number | null = null;
  if (permissions.contacts!.allowed) {
    const counted = wireContactCount.safeParse(await connector.http.get('/v3/marketing/contacts/count'));
    total = counted.data?.contact_count ?? null;
  }
  let suppressions = 0;
  for await (const page of connector.suppressions()) suppressions += page.items.length;

  const kinds = {
    contacts: { requests: (lists.length + 1) * 3 }, // per export: create, poll, download (at least)
    custom_fields: { requests: 1 },
    templates: { requests: 1 + templates.length },
    topics: { requests: 1 + groups.length },
    suppressions: { requests: 5 + Math.floor(suppressions / 500) },
  };
  return {
    domains: [],
    audiences: lists.map((l) => ({ id: l.sourceId, name: l.name, kind: 'list', contact_count: l.contactCount })),
    contacts: { total },
    contact_properties: fields.map((f) => ({ id: f.sourceId, key: f.key, type: f.type })),
    topics: groups.map((g) => ({ id: g.sourceId, name: g.name })),
    templates,
    suppressions: { total: suppressions },
    permissions,
    estimate: { kinds, total: { requests: Object.values(kinds).reduce((n, k) => n + k.requests, 0) } },
    errors: [...errors, ...scanProblems(connector.problems.drain())],
  };
}
