import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { copyIn } from '../src/db/copy-in.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parseEnv, type Env } from '../src/config/env.js';
import { createLogger } from '../src/logger.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { initOrm } from '../src/db/orm.js';
import { migrateWithLock } from '../src/db/migrate.js';
import { createAppServices } from '../src/app-services.js';
import { WORKER_NODE_FLAGS } from '../src/process/worker-flags.js';
import { startServer, type RunningServer } from '../src/server.js';
import { createApiKey, createOrganization } from '../src/modules/api-keys/api-key.service.js';
import { startProcess, type ManagedProcess } from '../test/support/processes.js';
import { freePort } from '../test/support/ports.js';
import { restClient } from '../test/support/rest-client.js';
import { eventually } from '../test/support/test-worker.js';

export interface ScenarioResult {
  name: string;
  figure: number;
  baseline: number;
  ratio: number;
  unit: string;
  target: string;
  met: boolean;
  notes?: string;
}

export interface Scenario {
  name: string;
  describe: string;
  run(ctx: BenchContext): Promise<ScenarioResult[]>;
}

/** A server to make databases on: DATABASE_URL, or an embedded PostgreSQL for the run. */
export class BenchContext {
  private constructor(
    readonly adminUrl: string,
    readonly scale: number,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(scale: number, databaseUrl?: string): Promise<BenchContext> {
    if (databaseUrl) return new BenchContext(databaseUrl, scale, async () => {});
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrate-bench-'));
    const db = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres' });
    return new BenchContext(db.url, scale, async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    });
  }

  private readonly memos = new Map<string, Promise<unknown>>();

  /** Runs `make` once per key in this bench run: scenarios that need the same run share it. */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as Promise<T>;
  }

  /** The output of a `COPY ... TO STDOUT`, in memory. */
  async copyOut(pool: pg.Pool, sql: string): Promise<Buffer> {
    const client = await pool.connect();
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } finally {
      client.release();
    }
  }

  /** Feeds `data` to a `COPY ... FROM STDIN`. */
  async copyIn(pool: pg.Pool, sql: string, data: Buffer): Promise<void> {
    const client = await pool.connect();
    try {
      await copyIn(client, sql, data);
    } finally {
      client.release();
    }
  }

  scaled(n: number): number {
    return Math.max(1, Math.round(n * this.scale));
  }

  /** A fresh, migrated database for one scenario. */
  async database(): Promise<{ url: string; orm: MikroORM; pool: pg.Pool; drop(): Promise<void> }> {
    const name = `bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: this.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(this.adminUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    const orm = await initOrm({ databaseUrl: url, poolMax: 4 });
    await migrateWithLock(orm, url);
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    return {
      url,
      orm,
      pool,
      drop: async () => {
        await pool.end();
        await orm.close(true);
        const a = new pg.Client({ connectionString: this.adminUrl });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }

  close(): Promise<void> {
    return this.cleanup();
  }
}

export interface RunningService {
  url: string;
  key: string;
  organizationId: string;
  worker: ManagedProcess;
  env: Env;
  close(): Promise<void>;
}

/** The real service against one database: API in this process, worker as its own process. */
export async function startService(dbUrl: string, orm: MikroORM, settings: Record<string, string>): Promise<RunningService> {
  const kek = randomBytes(32).toString('base64');
  const env = parseEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test', LOG_LEVEL: 'silent', PORT: String(await freePort()), DATABASE_URL: dbUrl, MIGRATE_KEK: kek, RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0', ...settings });
  const logger = createLogger('silent', 'bench');
  const worker = startProcess('workers/main.ts', { DATABASE_URL: dbUrl, MIGRATE_KEK: kek, LOG_LEVEL: 'info', NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test', NODE_OPTIONS: [...WORKER_NODE_FLAGS, ...profileFlags()].join(' '), ...settings });
  await worker.waitFor(/worker ready|"level":(50|60)/, 60_000);
  const services = await createAppServices({ ...env, DATABASE_URL: dbUrl }, orm, logger);
  const server: RunningServer = await startServer(services);
  const em = orm.em.fork();
  const org = await createOrganization(em, `Bench ${randomBytes(3).toString('hex')}`);
  const { plaintext } = await createApiKey(em, { organizationId: org.id, scope: 'full_access' });
  return {
    url: server.url,
    key: plaintext,
    organizationId: org.id,
    worker,
    env,
    async close() {
      await server.close();
      await services.close();
      await worker.stop();
    },
  };
}

/** Runs a migration through the REST API to completion; returns its id and phase timings. */
export async function migrate(
  service: RunningService,
  source: string,
  credential: string,
  hooks: { beforeImport?: (jobId: string) => Promise<void> | void; options?: Record<string, unknown> } = {},
) {
  const client = restClient(service.url, service.key);
  const started = await client.post('/v1/migrate', { source, credential });
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  const id = started.body.id as string;
  const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'pending' && r.body.status !== 'scanning', 30 * 60_000);
  if (scanned.body.status !== 'ready_for_review') throw new Error(`scan ended ${scanned.body.status}: ${scanned.body.error_message}`);
  await hooks.beforeImport?.(id);
  const importStarted = performance.now();
  await client.post(`/v1/migrate/${id}/approve`, { options: hooks.options ?? {} });
  const workerExit = new Promise<never>((_, reject) =>
    service.worker.child.once('exit', (code) =>
      reject(new Error(`worker exited (${code}) during the import:\n${service.worker.output().slice(-3000)}`)),
    ),
  );
  const done = await Promise.race([
    eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 60 * 60_000),
    workerExit,
  ]);
  if (done.body.status !== 'completed') throw new Error(`import ended ${done.body.status}: ${done.body.error_message}`);
  return { id, importSeconds: (performance.now() - importStarted) / 1000, job: done.body };
}

/** BENCH_PROFILE_DIR=<dir> writes a CPU profile of each worker process there (for finding where time goes). */
function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
