import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { notFound, validationError } from '../../errors/app-error.js';
import type { Page, PageRequest } from '../../graphql/pagination.js';
import type { SuppressionReason } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../../db/queryable.js';

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

// --- reads -----------------------------------------------------------------------------------

/** Reads go through the request's entity manager (`?` placeholders). */
type Reader = Pick<EntityManager, 'execute'>;

/** Why an address is suppressed: the `suppressions.reason` check constraint, value for value. */
export const SUPPRESSION_REASONS = ['unsubscribe', 'bounce', 'spam_complaint', 'invalid', 'block', 'manual'] as const satisfies readonly SuppressionReason[];

const suppressionRowSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    reason: z.enum(SUPPRESSION_REASONS),
    group_id: z.string().nullable(),
    source_provider: z.string().nullable(),
    source_created_at: z.coerce.date().nullable(),
    created_at: z.coerce.date(),
  })
  .transform((s) => ({
    id: s.id,
    email: s.email,
    reason: s.reason,
    /** Null: suppressed account-wide. */
    groupId: s.group_id,
    sourceProvider: s.source_provider,
    sourceCreatedAt: s.source_created_at,
    createdAt: s.created_at,
    /** Its place in the order of pages: account-wide ones first, then by group, then by address. */
    key: JSON.stringify([s.group_id ?? '', s.email]),
  }));
export type SuppressionRecord = z.infer<typeof suppressionRowSchema>;
const suppressionRows = z.array(suppressionRowSchema);

const COLUMNS = 'id, email, reason, group_id, source_provider, source_created_at, created_at';
const afterKeySchema = z.tuple([z.string(), z.string()]);

export interface SuppressionFilter {
  reason: SuppressionReason | null;
  /** One group's suppressions; null for all of them, account-wide ones included. */
  groupId: string | null;
}

/**
 * The organization's suppressions, ordered as their unique key (`suppressions_scope_email_key`:
 * group, '' for account-wide, then address), so a page is a range of that index. A group that is
 * not the organization's is not_found.
 */
export async function pageSuppressions(
  db: Reader,
  organizationId: string,
  filter: SuppressionFilter,
  { first, afterKey }: PageRequest,
): Promise<Page<SuppressionRecord>> {
  const { groupId, reason } = filter;
  if (groupId !== null) {
    const found = await db.execute('select 1 from suppression_groups where organization_id = ? and id = ?', [organizationId, groupId]);
    if (!found.length) throw notFound(`Suppression group ${groupId}`);
  }
  const [afterScope, afterEmail] = afterKey === null ? [null, null] : parseAfter(afterKey);
  const rows = await db.execute(
    `select ${COLUMNS} from suppressions
      where organization_id = ? and (?::text is null or coalesce(group_id, '') = ?) and (?::text is null or reason = ?)
        and (?::text is null or (coalesce(group_id, ''), email) > (?::text, ?::text))
      order by coalesce(group_id, ''), email limit ?`,
    [organizationId, groupId, groupId, reason, reason, afterScope, afterScope, afterEmail, first + 1],
  );
  const [{ count }] = await db.execute<[{ count: number }]>(
    `select count(*)::int as count from suppressions
      where organization_id = ? and (?::text is null or coalesce(group_id, '') = ?) and (?::text is null or reason = ?)`,
    [organizationId, groupId, groupId, reason, reason],
  );
  return { rows: suppressionRows.parse(rows), totalCount: count };
}

/** Where one address is suppressed in the organization: account-wide first, then by group. */
export async function suppressionsOfEmail(db: Reader, organizationId: string, email: string): Promise<SuppressionRecord[]> {
  const rows = await db.execute(
    `select ${COLUMNS} from suppressions where organization_id = ? and email = ? order by coalesce(group_id, '')`,
    [organizationId, email],
  );
  return suppressionRows.parse(rows);
}

function parseAfter(key: string): [string, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    parsed = undefined;
  }
  const tuple = afterKeySchema.safeParse(parsed);
  if (!tuple.success) throw validationError('after is not a cursor of this connection', ['after']);
  return tuple.data;
}
