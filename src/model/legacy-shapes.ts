/**
 * Rows written before the typed model (scan results in each source's own snake_case shape,
 * import options with `topics`, record kinds 'list' and 'topic') and bodies in the documented
 * REST shape are read into the one typed shape, so every old row still parses.
 */
// Legacy rows are read field by field with defaults for what they lack.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LEGACY_KINDS: Record<string, string> = { list: 'audience', topic: 'suppression_group', contact_topic: 'group_suppression' };
const ESTIMATE_KIND_RENAMES: Record<string, string> = { topics: 'suppression_groups' };
const PERMISSION_KINDS: Record<string, string[]> = {
  contacts: ['audiences', 'contacts', 'custom_fields'],
  templates: ['templates'],
  groups: ['suppression_groups'],
  suppressions: ['suppressions'],
};
const item = { selectable: true, reasons: [] };

/** A scan result of the per-source snake_case shapes (Resend's, SendGrid's) in the one typed shape of src/model. */
function typedScan(s: Json): Json {
  const kinds = Object.entries((s.estimate?.kinds ?? {}) as Record<string, Json>);
  const rate = typeof s.estimate?.rate_limit === 'number' ? s.estimate.rate_limit : null;
  return {
    domains: (s.domains ?? []).map((d: Json) => ({ id: d.id ?? null, name: d.name, status: d.status ?? 'unknown', region: d.region ?? null, ...item })),
    audiences: (s.audiences ?? []).map((a: Json) => ({
      id: a.id, name: a.name, kind: a.kind ?? 'list', contactCount: a.contact_count ?? 0, unsubscribedCount: a.unsubscribed_count ?? null, ...item,
    })),
    contacts: {
      total: s.contacts?.unique ?? s.contacts?.total ?? null,
      unsubscribed: s.contacts?.unsubscribed ?? null,
      invalid: s.contacts?.invalid ?? null,
      withoutList: s.contacts?.without_list ?? null,
    },
    customFields: (s.contact_properties ?? []).map((p: Json) => ({ id: p.id, key: p.key, type: p.type ?? 'string', ...item })),
    suppressionGroups: (s.topics ?? []).map((t: Json) => ({
      id: t.id, name: t.name, defaultSubscription: ['opt_in', 'opt_out'].includes(t.default_subscription) ? t.default_subscription : null, ...item,
    })),
    templates: (s.templates ?? []).map((t: Json) => ({ id: t.id, name: t.name, status: t.status ?? null, alias: t.alias ?? null, ...item })),
    suppressions: {
      total: s.suppressions?.total ?? 0,
      byOrigin: Object.entries((s.suppressions?.by_origin ?? {}) as Record<string, number>).map(([origin, count]) => ({ origin, count })),
    },
    permissions: s.permissions
      ? Object.entries(s.permissions as Record<string, Json>).map(([resource, p]) => ({
          resource, kinds: PERMISSION_KINDS[resource] ?? [], allowed: p.allowed === true, missingScopes: p.missing_scopes ?? [],
        }))
      : null,
    estimate: {
      rateLimit: rate,
      kinds: kinds.map(([kind, k]) => ({ kind: ESTIMATE_KIND_RENAMES[kind] ?? kind, requests: k.requests ?? 0, seconds: k.seconds ?? null })),
      total: { requests: s.estimate?.total?.requests ?? 0, seconds: s.estimate?.total?.seconds ?? null },
    },
    errors: s.errors ?? [],
  };
}



/** A stored scan result in either shape: the legacy one (it has `contact_properties`, or no `customFields`) is converted. */
export function upgradeScan(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || 'customFields' in value) return value;
  return typedScan(value as Json);
}

/** Import options stored with `topics` (now `suppressionGroups`). */
export function upgradeOptions(value: unknown): unknown {
  if (!value || typeof value !== 'object' || !('topics' in value)) return value;
  const { topics, ...rest } = value as Json;
  return { ...rest, suppressionGroups: topics ?? [] };
}

export function upgradeKind(kind: unknown): unknown {
  return typeof kind === 'string' ? (LEGACY_KINDS[kind] ?? kind) : kind;
}
