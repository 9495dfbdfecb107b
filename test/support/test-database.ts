import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../src/db/orm.js';
import { migrateWithLock } from '../../src/db/migrate.js';

export interface TestDatabase {
  url: string;
  orm: MikroORM;
  /** Plain SQL against the test database, for assertions. */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A pg pool for tests. pg-pool's `end()` resolves before its clients have finished closing, and
 * `drop()` then terminates the database with force: a client still closing gets 57P01, which an
 * unhandled pool `error` event would turn into an uncaught exception in whichever file runs next.
 */
export function testPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => {});
  return pool;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh, migrated database of its own for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();

  const url = withDatabase(adminUrl, name);
  const orm = await initOrm({ databaseUrl: url, poolMax: 5 });
  await migrateWithLock(orm, url);
  const pool = testPool(url, 3);

  return {
    url,
    orm,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async drop() {
      await pool.end();
      await orm.close(true);
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * A database of its own for a test file plus a plain pool on it (for code that takes a pg pool
 * or client), made before the file's tests and removed after them.
 */
export function useDatabaseWithPool(): { db: TestDatabase; pool: pg.Pool } {
  const env = {} as { db: TestDatabase; pool: pg.Pool };
  beforeAll(async () => {
    env.db = await createTestDatabase();
    env.pool = testPool(env.db.url, 2);
  });
  afterAll(async () => {
    await env.pool?.end();
    await env.db?.drop();
  });
  return env;
}
