import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';

/** Arbitrary constant naming the advisory lock that serialises schema migrations. */
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending migrations while holding an advisory lock, so any number of API and worker
 * processes can boot at once against one database. Returns the names applied by this process.
 */
export async function migrateWithLock(orm: MikroORM, databaseUrl: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await orm.migrator.up();
    return applied.map((m) => m.name);
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await lock.end();
  }
}
