import type { SuppressionReason } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../migrations/migration-job.store.js';

export interface SuppressionEntry {
  /** Normalized (lower-case): the table refuses any other. */
  email: string;
  reason: SuppressionReason;
  /** The suppression group; null for a global suppression. */
  groupId: string | null;
  /** When the source recorded it, where the source says. */
  sourceCreatedAt: Date | null;
}

/**
 * Inserts suppressions, keeping any that already exist for the address in the same scope (its
 * group, or global) as they are, and returns how many were new. The count is what an import
 * result adds, so a batch written again after a rollback or a resume counts nothing twice.
 */
export async function insertSuppressions(
  db: Queryable,
  organizationId: string,
  sourceProvider: KnownSource,
  entries: SuppressionEntry[],
): Promise<number> {
  if (!entries.length) return 0;
  const { rowCount } = await db.query(
    `insert into suppressions (organization_id, group_id, email, reason, source_provider, source_created_at)
     select $1, g, e, r, $2, d from unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[]) as t(e, r, g, d)
     on conflict (organization_id, coalesce(group_id, ''), email) do nothing`,
    [
      organizationId,
      sourceProvider,
      entries.map((s) => s.email),
      entries.map((s) => s.reason),
      entries.map((s) => s.groupId),
      entries.map((s) => s.sourceCreatedAt),
    ],
  );
  return rowCount ?? 0;
}

/**
 * Suppresses globally every contact of the organization that is unsubscribed, so no address
 * opted out at the source becomes sendable here; returns how many were new.
 */
export async function suppressUnsubscribedContacts(db: Queryable, organizationId: string, sourceProvider: KnownSource): Promise<number> {
  const { rowCount } = await db.query(
    `insert into suppressions (organization_id, email, reason, source_provider)
       select organization_id, email, 'unsubscribe', $2 from contacts where organization_id = $1 and unsubscribed
       on conflict (organization_id, coalesce(group_id, ''), email) do nothing`,
    [organizationId, sourceProvider],
  );
  return rowCount ?? 0;
}
