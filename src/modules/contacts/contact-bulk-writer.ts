import type pg from 'pg';

export interface ContactRow {
  email: string;
  emailDisplay: string;
  firstName: string | null;
  lastName: string | null;
  /** Global opt-out; once true here it never becomes false through an import. */
  unsubscribed: boolean;
  /** Opt-out of the batch's audience only (legacy per-audience flag). */
  audienceUnsubscribed: boolean;
  /** Custom field values to merge onto the contact (field name → value). */
  customFields: Record<string, unknown>;
}

export interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Emails of contacts that existed before `since` (merged or left as they were). */
  preexisting: string[];
  membershipsAdded: number;
}

/** Merges rows that share an email (case variants within one page) so the upsert sees each once. */
export function dedupeByEmail(rows: ContactRow[]): ContactRow[] {
  const byEmail = new Map<string, ContactRow>();
  for (const row of rows) {
    const seen = byEmail.get(row.email);
    if (!seen) {
      byEmail.set(row.email, { ...row });
      continue;
    }
    seen.firstName ??= row.firstName;
    seen.lastName ??= row.lastName;
    seen.unsubscribed ||= row.unsubscribed;
    seen.audienceUnsubscribed ||= row.audienceUnsubscribed;
    seen.customFields = { ...row.customFields, ...seen.customFields };
  }
  return [...byEmail.values()];
}

// One statement per batch: array parameters, set-based merge. Unchanged rows are not rewritten
// (the WHERE on DO UPDATE), so a re-run writes nothing; their ids come from the lookup branch.
const UPSERT_CONTACTS = `
  with input as (
    select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::jsonb[])
      as t(email, email_display, first_name, last_name, unsubscribed, custom_fields)
  ),
  upserted as (
    insert into contacts as c (organization_id, email, email_display, first_name, last_name, unsubscribed, custom_fields)
    select $1, email, email_display, first_name, last_name, unsubscribed, custom_fields from input
    on conflict (organization_id, email) do update set
      first_name = coalesce(excluded.first_name, c.first_name),
      last_name = coalesce(excluded.last_name, c.last_name),
      unsubscribed = c.unsubscribed or excluded.unsubscribed,
      custom_fields = c.custom_fields || excluded.custom_fields,
      updated_at = now()
    where c.first_name is distinct from coalesce(excluded.first_name, c.first_name)
       or c.last_name is distinct from coalesce(excluded.last_name, c.last_name)
       or (excluded.unsubscribed and not c.unsubscribed)
       or not (c.custom_fields @> excluded.custom_fields)
    returning c.id, c.email, (xmax = 0) as inserted, c.created_at
  )
  select id, email, inserted, created_at < $8 as preexisting from upserted
  union all
  select c.id, c.email, null, c.created_at < $8 from contacts c join input i on c.email = i.email
   where c.organization_id = $1 and not exists (select 1 from upserted u where u.email = c.email)`;

const UPSERT_MEMBERSHIPS = `
  insert into audience_members as m (audience_id, organization_id, contact_id, unsubscribed)
  select $1, $2, contact_id, unsubscribed from unnest($3::uuid[], $4::bool[]) as t(contact_id, unsubscribed)
  on conflict (audience_id, contact_id) do update set unsubscribed = true
  where excluded.unsubscribed and not m.unsubscribed
  returning (xmax = 0) as inserted`;

/**
 * Upserts a batch of contacts (unique per organization by lower-cased email) and, with an
 * audience, their memberships, inside the caller's transaction.
 */
export async function writeContactBatch(
  client: pg.PoolClient,
  organizationId: string,
  rows: ContactRow[],
  audienceId: string | null,
  since: Date,
): Promise<BatchOutcome> {
  const batch = dedupeByEmail(rows);
  const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, preexisting: [], membershipsAdded: 0 };
  if (!batch.length) return outcome;
  const result = await client.query<{ id: string; email: string; inserted: boolean | null; preexisting: boolean }>(UPSERT_CONTACTS, [
    organizationId,
    batch.map((r) => r.email),
    batch.map((r) => r.emailDisplay),
    batch.map((r) => r.firstName),
    batch.map((r) => r.lastName),
    batch.map((r) => r.unsubscribed),
    batch.map((r) => JSON.stringify(r.customFields)),
    since,
  ]);
  const idByEmail = new Map<string, string>();
  for (const row of result.rows) {
    idByEmail.set(row.email, row.id);
    if (row.preexisting) outcome.preexisting.push(row.email);
    if (row.inserted === true) outcome.inserted++;
    else if (row.inserted === false) outcome.updated++;
    else outcome.unchanged++;
  }
  if (audienceId) {
    const members = batch.filter((r) => idByEmail.has(r.email));
    const added = await client.query(UPSERT_MEMBERSHIPS, [
      audienceId,
      organizationId,
      members.map((r) => idByEmail.get(r.email)),
      members.map((r) => r.audienceUnsubscribed),
    ]);
    outcome.membershipsAdded = added.rows.filter((r: { inserted: boolean }) => r.inserted).length;
  }
  return outcome;
}
