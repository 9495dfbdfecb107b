import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { newId } from '../../db/ids.js';
import type { Page, PageRequest } from '../../graphql/pagination.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../../db/queryable.js';

export interface NewSuppressionGroup {
  organizationId: string;
  name: string;
  description: string | null;
  sourceProvider: KnownSource;
  /** Why the group starts empty, when its members could not be read; null when they were. */
  membersNote: string | null;
}

/** Creates a group and returns its id. Names are not unique: an import finds its group by source link. */
export async function createSuppressionGroup(db: Queryable, group: NewSuppressionGroup): Promise<string> {
  const id = newId('grp');
  await db.query(
    `insert into suppression_groups (id, organization_id, name, description, source_provider, members_note)
           values ($1, $2, $3, $4, $5, $6)`,
    [id, group.organizationId, group.name, group.description, group.sourceProvider, group.membersNote],
  );
  return id;
}

// --- reads -----------------------------------------------------------------------------------

/** Reads go through the request's entity manager (`?` placeholders). */
type Reader = Pick<EntityManager, 'execute'>;

const groupRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    source_provider: z.string().nullable(),
    members_note: z.string().nullable(),
    created_at: z.coerce.date(),
  })
  .transform((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    sourceProvider: g.source_provider,
    membersNote: g.members_note,
    createdAt: g.created_at,
  }));
export type SuppressionGroupRecord = z.infer<typeof groupRowSchema>;
const groupRows = z.array(groupRowSchema);

const COLUMNS = 'id, name, description, source_provider, members_note, created_at';

/** One suppression group of the organization, or null. */
export async function findSuppressionGroup(db: Reader, organizationId: string, id: string): Promise<SuppressionGroupRecord | null> {
  const rows = await db.execute(`select ${COLUMNS} from suppression_groups where organization_id = ? and id = ?`, [organizationId, id]);
  return groupRows.parse(rows)[0] ?? null;
}

/** The organization's suppression groups by id (`suppression_groups_listing_idx`). */
export async function pageSuppressionGroups(db: Reader, organizationId: string, { first, afterKey }: PageRequest): Promise<Page<SuppressionGroupRecord>> {
  const rows = await db.execute(
    `select ${COLUMNS} from suppression_groups where organization_id = ? and (?::text is null or id > ?) order by id limit ?`,
    [organizationId, afterKey, afterKey, first + 1],
  );
  const [{ count }] = await db.execute<[{ count: number }]>('select count(*)::int as count from suppression_groups where organization_id = ?', [organizationId]);
  return { rows: groupRows.parse(rows), totalCount: count };
}
