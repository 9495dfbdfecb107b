import type { RestMigrationJobFragment } from '../../graphql/generated/operations.js';

type Scan = NonNullable<RestMigrationJobFragment['scanResult']>;
type Options = NonNullable<RestMigrationJobFragment['importOptions']>;
type Result = NonNullable<RestMigrationJobFragment['importResult']>;

/** The documented `/v1/migrate` JSON shape of a job, field for field. */
export function toRestJob(job: RestMigrationJobFragment) {
  return {
    id: job.id,
    source: job.source,
    status: job.status,
    scan_result: job.scanResult ? restScan(job.scanResult) : null,
    import_options: job.importOptions ? restOptions(job.importOptions) : null,
    import_result: job.importResult ? restResult(job.importResult) : null,
    error_message: job.errorMessage,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    completed_at: job.completedAt,
  };
}

const byKey = <T, V>(items: T[], key: (item: T) => string, value: (item: T) => V) => Object.fromEntries(items.map((i) => [key(i), value(i)]));

/**
 * The contract's scan_result (`domains` with name and status, `audiences` with id, name and
 * contact_count, `errors`) and, in the same snake_case, everything else the scan found.
 */
function restScan(scan: Scan) {
  return {
    domains: scan.domains.map((d) => ({ id: d.id, name: d.name, status: d.status, region: d.region })),
    audiences: scan.audiences.map((a) => ({ id: a.id, name: a.name, kind: a.kind, contact_count: a.contactCount, unsubscribed_count: a.unsubscribedCount })),
    contacts: { total: scan.contacts.total, unsubscribed: scan.contacts.unsubscribed, invalid: scan.contacts.invalid, without_list: scan.contacts.withoutList },
    contact_properties: scan.customFields.map((f) => ({ id: f.id, key: f.key, type: f.type })),
    topics: scan.suppressionGroups.map((g) => ({ id: g.id, name: g.name, default_subscription: g.defaultSubscription })),
    templates: scan.templates.map((t) => ({ id: t.id, name: t.name, status: t.status, alias: t.alias })),
    suppressions: { total: scan.suppressions.total, by_origin: byKey(scan.suppressions.byOrigin, (o) => o.origin, (o) => o.count) },
    ...(scan.permissions
      ? { permissions: byKey(scan.permissions, (p) => p.resource, (p) => ({ allowed: p.allowed, missing_scopes: p.missingScopes })) }
      : {}),
    estimate: {
      rate_limit: scan.estimate.rateLimit,
      kinds: byKey(scan.estimate.kinds, (k) => k.kind, (k) => ({ requests: k.requests, seconds: k.seconds })),
      total: scan.estimate.total,
      with_contacts_upload: scan.estimate.withContactsUpload ?? null,
    },
    errors: scan.errors.map((e) => ({ resource: e.resource, message: e.message })),
  };
}

function restOptions(o: Options) {
  return {
    domains: o.domains,
    audiences: o.audiences,
    contacts: o.contacts,
    templates: o.templates,
    topics: o.suppressionGroups,
    customFields: o.customFields.map((m) => ({ sourceFieldId: m.sourceFieldId, sourceKey: m.sourceKey, fieldName: m.fieldName, fieldType: m.fieldType })),
    suppressions: o.suppressions,
  };
}

/** The contract's import_result: `imported` counts by kind, `skipped` and `errors` by kind and reason. */
function restResult(r: Result) {
  const entries = (list: Result['errors']) => list.map((e) => ({ kind: e.kind, reason: e.reason, count: e.count, examples: e.examples }));
  return {
    imported: byKey(r.imported, (c) => c.counter, (c) => c.count),
    skipped: entries(r.skipped),
    errors: entries(r.errors),
    ...(r.templates
      ? { templates: r.templates.map((t) => ({ source_id: t.sourceId, id: t.id, name: t.name, action: t.action, needs_review: t.needsReview })) }
      : {}),
  };
}
