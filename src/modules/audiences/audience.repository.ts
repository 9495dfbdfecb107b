import { newId } from '../../db/ids.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../migrations/migration-job.store.js';

export interface NewAudience {
  organizationId: string;
  name: string;
  sourceProvider: KnownSource;
}

/** Creates an audience and returns its id. Names are not unique: an import finds its audience by source link. */
export async function createAudience(db: Queryable, audience: NewAudience): Promise<string> {
  const id = newId('aud');
  await db.query(`insert into audiences (id, organization_id, name, source_provider) values ($1, $2, $3, $4)`, [
    id,
    audience.organizationId,
    audience.name,
    audience.sourceProvider,
  ]);
  return id;
}
