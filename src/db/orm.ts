import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { OrganizationSchema } from '../modules/organizations/organization.entity.js';
import { ApiKeySchema } from '../modules/api-keys/api-key.entity.js';
import { migrationsList } from './migrations/index.js';

export const entities = [OrganizationSchema, ApiKeySchema];

export interface OrmOptions {
  databaseUrl: string;
  poolMax?: number;
  debug?: boolean;
}

/** Creates the ORM for one process; the API, worker, CLI and tests each hold one. */
export async function initOrm({ databaseUrl, poolMax = 10, debug = false }: OrmOptions): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    debug,
    // The schema is owned by the checked-in migrations, not by entity diffs.
    migrations: {
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  });
}
