import { newId } from '../../db/ids.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../migrations/migration-job.store.js';

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
