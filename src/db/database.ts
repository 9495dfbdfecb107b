import pg from 'pg';
import type { Env } from '../config/env.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

export function embeddedDatabaseUrl(env: Env): string {
  return `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/migrate`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `DATABASE_URL` when set; otherwise the embedded database, reusing one already running (e.g.
 * under `npm start`) or starting it in this process.
 */
export async function resolveDatabase(
  env: Env,
  log: (msg: string) => void = () => {},
): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  const url = embeddedDatabaseUrl(env);
  if (await canConnect(url)) return { url, embedded: true, stop: async () => {} };
  const db = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT, log });
  return { url: db.url, embedded: true, stop: () => db.stop() };
}
