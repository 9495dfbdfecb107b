/**
 * The chaos harness: real processes (API, workers), real PostgreSQL and the provider emulators,
 * and the faults the chaos scenarios inflict on them (SIGKILL of a worker, a PostgreSQL restart,
 * provider faults). Shared by the vitest files of test/chaos/ (CI-sized) and `npm run chaos`
 * (scripts/chaos.ts, the long profile): nothing here imports vitest. Checks return findings
 * (what is not exact) instead of throwing, so a test asserts there are none and the script
 * classifies them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { initOrm } from '../../src/db/orm.js';
import { migrateWithLock } from '../../src/db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';
import { createApiKey, createOrganization } from '../../src/modules/api-keys/api-key.service.js';
import { WORKER_NODE_FLAGS } from '../../src/process/worker-flags.js';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { restClient } from '../support/rest-client.js';
import { wsClient } from '../support/ws-client.js';
import { generateResendAccount, type GenerateOptions } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { generateSendGridAccount, type SendGridGenerateOptions } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import type { FaultHandle, FaultInjector, FaultRule } from '../../emulators/resend/faults.js';
import type { EmulatorStats } from '../../emulators/resend/stats.js';
import { createRandom, type Random } from '../../emulators/resend/random.js';

export { createRandom, type Random };

/** Heartbeats short enough that a killed worker's job comes back within seconds. */
export const FAST_REDELIVERY = { JOB_HEARTBEAT_SECONDS: '10', JOB_MONITOR_INTERVAL_SECONDS: '1' };

const KEK = randomBytes(32).toString('base64');

// ---------------------------------------------------------------------------------------------
// Databases and servers

/** Polls `read` until `done` holds; errors of `read` (a database restarting) count as "not yet". */
export async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? `last error: ${(lastError as Error).message}` : `last value: ${JSON.stringify(last)?.slice(0, 1500)}`;
      throw new Error(`${what} not reached in ${timeoutMs} ms; ${detail}`);
    }
    await sleep(100);
  }
}

export interface ChaosDatabase {
  url: string;
  /** Plain pool for the checks (its errors are logged, never thrown: the server may restart). */
  pool: pg.Pool;
  query<T extends pg.QueryResultRow = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the server behind `adminUrl`. */
export async function createDatabase(adminUrl: string): Promise<ChaosDatabase> {
  const name = `chaos_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const orm = await initOrm({ databaseUrl: url, poolMax: 2 });
  await migrateWithLock(orm, url);
  await orm.close(true);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  return {
    url,
    pool,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async drop() {
      await pool.end().catch(() => {});
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * A PostgreSQL server of the caller's own (not the shared one of a test run), which can be
 * restarted on the same data folder and port while processes use it.
 */
export interface OwnPostgres {
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown), waits `downMs`, starts it again on the same data and port. */
  restart(downMs: number): Promise<{ stoppedAt: number; startedAt: number }>;
  close(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  // mkdtemp makes a 0700 folder: the server's user (postgres, when we are root) must enter it.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'migrate-chaos-pg-'));
  const port = await freePort();
  let server: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir, port, database: 'postgres' });
  return {
    adminUrl: server.url,
    port,
    dataDir,
    async restart(downMs) {
      await server.stop();
      const stoppedAt = Date.now();
      await sleep(downMs);
      server = await startEmbeddedPostgres({ dataDir, port, database: 'postgres' });
      return { stoppedAt, startedAt: Date.now() };
    },
    async close() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Accounts

export type AccountSpec =
  | { source: 'resend'; options: GenerateOptions; rateLimit?: number }
  | { source: 'sendgrid'; options: SendGridGenerateOptions; maxFileSizeContacts?: number };

export type Emulator =
  | { source: 'resend'; resend: ResendEmulator; faults: FaultInjector; stats: EmulatorStats; url: string }
  | { source: 'sendgrid'; sendgrid: SendGridEmulator; faults: FaultInjector; stats: EmulatorStats; url: string };

async function startEmulator(spec: AccountSpec): Promise<Emulator> {
  if (spec.source === 'resend') {
    const resend = await startResendEmulator({ account: generateResendAccount(spec.options), rateLimit: spec.rateLimit ?? 300 });
    return { source: 'resend', resend, faults: resend.faults, stats: resend.stats, url: resend.url };
  }
  const sendgrid = await startSendGridEmulator({
    account: generateSendGridAccount(spec.options),
    maxFileSizeContacts: spec.maxFileSizeContacts,
    // Windows of 2 s: an injected 429 carries this window's reset, which the connector waits for.
    rateLimit: { limit: 10_000, windowSeconds: 2 },
  });
  return { source: 'sendgrid', sendgrid, faults: sendgrid.faults, stats: sendgrid.stats, url: sendgrid.url };
}

function credentialOf(e: Emulator): string {
  if (e.source === 'resend') return e.resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
  return e.sendgrid.account.apiKeys.find((k) => k.name === 'Migration (read all)')!.token;
}

// ---------------------------------------------------------------------------------------------
// The environment: emulator, database, API process, worker processes

export interface EnvOptions {
  /** A server to create this environment's database on. */
  adminUrl: string;
  account: AccountSpec;
  /** Settings for the API and every worker (beside database, key, emulator URLs). */
  settings?: Record<string, string>;
  workers?: number;
  /** Where progress lines go (the script prints them; tests keep them quiet). */
  log?: (line: string) => void;
}

export interface Org {
  orgId: string;
  key: string;
}

export class ChaosEnv {
  readonly workers: ManagedProcess[] = [];
  /** Every worker this environment started, dead or alive, for the logs of a failure. */
  readonly allWorkers: ManagedProcess[] = [];
  /** Processes the harness killed on purpose. */
  readonly killed = new Set<ManagedProcess>();
  private readonly reportedDead = new Set<ManagedProcess>();
  apiUrl = '';
  api!: ManagedProcess;
  private apiSettings: Record<string, string> = {};

  private constructor(
    readonly options: EnvOptions,
    readonly db: ChaosDatabase,
    readonly emulator: Emulator,
    readonly log: (line: string) => void,
  ) {}

  static async start(options: EnvOptions): Promise<ChaosEnv> {
    const emulator = await startEmulator(options.account);
    const db = await createDatabase(options.adminUrl);
    const env = new ChaosEnv(options, db, emulator, options.log ?? (() => {}));
    try {
      const port = await freePort();
      env.apiUrl = `http://127.0.0.1:${port}`;
      env.apiSettings = { PORT: String(port), RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '0' };
      // Workers create the queues; the API enqueues into them.
      for (let i = 0; i < (options.workers ?? 1); i++) await env.startWorker();
      env.api = startProcess('src/api.ts', { ...env.baseSettings(), ...env.apiSettings });
      await env.api.waitFor(/API listening/, 60_000);
    } catch (err) {
      await env.close();
      throw err;
    }
    return env;
  }

  get source(): 'resend' | 'sendgrid' {
    return this.emulator.source;
  }

  get credential(): string {
    return credentialOf(this.emulator);
  }

  get resend(): ResendEmulator {
    if (this.emulator.source !== 'resend') throw new Error('not a Resend environment');
    return this.emulator.resend;
  }

  get sendgrid(): SendGridEmulator {
    if (this.emulator.source !== 'sendgrid') throw new Error('not a SendGrid environment');
    return this.emulator.sendgrid;
  }

  /** Settings every process of this environment gets. */
  private baseSettings(): Record<string, string> {
    const e = this.emulator;
    return {
      DATABASE_URL: this.db.url,
      MIGRATE_KEK: KEK,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ...(e.source === 'resend' ? { RESEND_BASE_URL: e.url } : { SENDGRID_BASE_URL: e.url, SENDGRID_CDN_URL: e.sendgrid.cdnUrl }),
      ...this.options.settings,
    };
  }

  /** A new worker process; resolves once it consumes its queues. */
  async startWorker(): Promise<ManagedProcess> {
    const worker = startProcess('workers/main.ts', {
      ...this.baseSettings(),
      NODE_OPTIONS: WORKER_NODE_FLAGS.join(' '),
      // Re-hosted template images are served by the API.
      ...(this.apiUrl ? { PUBLIC_URL: this.apiUrl } : {}),
    });
    this.allWorkers.push(worker);
    await worker.waitFor(/worker ready/, 60_000);
    this.workers.push(worker);
    return worker;
  }

  liveWorkers(): ManagedProcess[] {
    return this.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  }

  /** SIGKILL: no graceful shutdown, no unlock, no goodbye to pg-boss. */
  async kill(worker: ManagedProcess): Promise<void> {
    this.killed.add(worker);
    await worker.stop('SIGKILL');
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  /** A new organization with a full_access key (its own rows, so every run is compared alone). */
  async newOrg(): Promise<Org> {
    const orm = await initOrm({ databaseUrl: this.db.url, poolMax: 1 });
    try {
      const em = orm.em.fork();
      const org = await createOrganization(em, `Chaos ${randomBytes(4).toString('hex')}`);
      const { plaintext } = await createApiKey(em, { organizationId: org.id, scope: 'full_access' });
      return { orgId: org.id, key: plaintext };
    } finally {
      await orm.close(true);
    }
  }

  /** Starts a migration of the account, follows it over graphql-ws, waits for the scan. */
  async begin(org: Org, options: { waitForScan?: boolean } = {}): Promise<MigrationRun> {
    const client = restClient(this.apiUrl, org.key);
    const started = await client.post('/v1/migrate', { source: this.source, credential: this.credential });
    if (started.status !== 201) throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
    const run = new MigrationRun(this, org, started.body.id as string);
    run.follow();
    if (options.waitForScan !== false) await run.waitForScan();
    return run;
  }

  /** Logs of every process, for a failure report. */
  logs(maxChars = 4000): string {
    const tail = (p: ManagedProcess) => p.output().slice(-maxChars);
    return [
      `--- api (exit ${this.api?.child.exitCode ?? this.api?.child.signalCode ?? 'running'})\n${this.api ? tail(this.api) : ''}`,
      ...this.allWorkers.map((w, i) => `--- worker ${i + 1} pid ${w.child.pid} (exit ${w.child.exitCode ?? w.child.signalCode ?? 'running'})\n${tail(w)}`),
    ].join('\n');
  }

  /** How far each process's output has come: `crashesSince` looks only after it. */
  logMarks(): Map<ManagedProcess, number> {
    return new Map([this.api, ...this.allWorkers].filter(Boolean).map((p) => [p, p.output().length]));
  }

  /**
   * Log lines that must never appear (a process crashing, work left for lost) and processes
   * that died without being killed by the harness, since `marks`.
   */
  crashesSince(marks: Map<ManagedProcess, number>): string[] {
    const bad = /uncaught exception|unhandled rejection|"level":60|leaving it there|failed to start/i;
    const out: string[] = [];
    for (const [i, p] of [this.api, ...this.allWorkers].entries()) {
      const name = i === 0 ? 'api' : `worker ${i} (pid ${p.child.pid})`;
      for (const line of p.output().slice(marks.get(p) ?? 0).split('\n')) if (bad.test(line)) out.push(`${name}: ${line.slice(0, 400)}`);
      if (!this.killed.has(p) && !this.reportedDead.has(p) && (p.child.exitCode !== null || p.child.signalCode !== null)) {
        this.reportedDead.add(p);
        out.push(`${name} exited (${p.child.exitCode ?? p.child.signalCode}) without being killed`);
      }
    }
    return [...new Set(out)];
  }

  async close(): Promise<void> {
    for (const w of this.workers) this.killed.add(w);
    await Promise.all(this.workers.map((w) => w.stop('SIGKILL')));
    await this.api?.stop('SIGTERM', 10_000);
    if (this.emulator.source === 'resend') await this.emulator.resend.close();
    else await this.emulator.sendgrid.close();
    await this.db.drop().catch((err) => this.log(`dropping ${this.db.url}: ${(err as Error).message}`));
  }
}

// ---------------------------------------------------------------------------------------------
// One migration job

export interface JobState {
  status: string;
  phase: string | null;
  run: number;
  recoveries: number;
  checkpoints: Record<string, any>;
  progress: Record<string, any> | null;
  import_result: Record<string, any> | null;
  error_message: string | null;
  /** Milliseconds since the epoch (database clock). */
  completed_ms: number | null;
  updated_ms: number;
}

export interface ProgressEvent {
  status: string;
  phase: string | null;
  counts: { kind: string; processed: number; total: number | null }[];
  at: number;
}

const SUBSCRIPTION = `subscription ($id: ID!) { migrationProgress(id: $id) { status phase counts { kind processed total } } }`;

/** A graphql-ws follower of one job: every state it was sent, and how the subscription ended. */
export interface Follower {
  events: ProgressEvent[];
  /** Resolves when the server completes the subscription (after a terminal state) or it errors. */
  ended: Promise<{ completed: boolean; error?: string }>;
  dispose(): void;
}

export class MigrationRun {
  readonly client;
  readonly followers: Follower[] = [];

  constructor(
    readonly env: ChaosEnv,
    readonly org: Org,
    readonly id: string,
  ) {
    this.client = restClient(env.apiUrl, org.key);
  }

  /** Subscribes to migrationProgress over graphql-ws (the API process, as a client would). */
  follow(): Follower {
    const ws = wsClient(this.env.apiUrl, this.org.key);
    const events: ProgressEvent[] = [];
    let dispose = () => {};
    const ended = new Promise<{ completed: boolean; error?: string }>((resolve) => {
      const unsubscribe = ws.subscribe<{ migrationProgress: Omit<ProgressEvent, 'at'> }>(
        { query: SUBSCRIPTION, variables: { id: this.id } },
        {
          next: (r) => {
            if (r.errors) resolve({ completed: false, error: r.errors.map((e) => e.message).join('; ') });
            else if (r.data) events.push({ ...r.data.migrationProgress, at: Date.now() });
          },
          error: (err) => resolve({ completed: false, error: err instanceof Error ? err.message : JSON.stringify(err) }),
          complete: () => resolve({ completed: true }),
        },
      );
      dispose = () => {
        unsubscribe();
        void ws.dispose();
      };
    }).finally(() => void ws.dispose());
    const follower = { events, ended, dispose: () => dispose() };
    this.followers.push(follower);
    return follower;
  }

  async job(): Promise<JobState> {
    const [row] = await this.env.db.query<JobState>(
      `select status, progress->>'phase' as phase, run, recoveries, checkpoints, progress, import_result, error_message,
              (extract(epoch from completed_at) * 1000)::float8 as completed_ms, (extract(epoch from updated_at) * 1000)::float8 as updated_ms
         from migration_jobs where id = $1`,
      [this.id],
    );
    if (!row) throw new Error(`no job ${this.id}`);
    return row;
  }

  async waitForScan(timeoutMs = 120_000): Promise<JobState> {
    const job = await poll(() => this.job(), (j) => !['pending', 'scanning'].includes(j.status), timeoutMs, `scan of ${this.id}`);
    if (job.status !== 'ready_for_review') throw new Error(`scan ended ${job.status}: ${job.error_message}`);
    return job;
  }

  async approve(options: Record<string, unknown> = {}): Promise<void> {
    const res = await this.client.post(`/v1/migrate/${this.id}/approve`, { options });
    if (res.status !== 200) throw new Error(`approve: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async retry(): Promise<{ status: number; body: any }> {
    return this.client.post(`/v1/migrate/${this.id}/retry`);
  }

  /** Waits until `until` holds for the job (phase, counters, checkpoints). */
  waitFor(until: (j: JobState) => boolean, timeoutMs: number, what: string): Promise<JobState> {
    return poll(() => this.job(), (j) => until(j) || ['completed', 'failed'].includes(j.status), timeoutMs, what).then((j) => {
      if (!until(j)) throw new Error(`${what}: the job reached ${j.status} first (phase ${j.phase}) ${j.error_message ?? ''}`);
      return j;
    });
  }

  /** Waits for completed or failed; throws when it is still live after `timeoutMs` (stuck). */
  async waitForEnd(timeoutMs: number): Promise<JobState> {
    return poll(() => this.job(), (j) => ['completed', 'failed'].includes(j.status), timeoutMs, `end of ${this.id}`);
  }

  /** The queue work of this job, oldest first. */
  queueWork(): Promise<{ id: string; name: string; state: string; run: number; retry_count: number }[]> {
    return this.env.db.query(
      `select id, name, state, (data->>'run')::int as run, retry_count from pgboss.job
        where name in ('migration.import', 'migration.scan') and data->>'jobId' = $1 order by created_on`,
      [this.id],
    );
  }

  contactsProcessed(j: JobState): number {
    return Number(j.progress?.counts?.contacts?.processed ?? 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Who holds a job's lock

/** The pid (on this machine) of the process whose database connection holds the job's lock. */
export async function lockHolderPid(env: ChaosEnv, jobId: string): Promise<number | null> {
  const rows = await env.db.query<{ client_port: number }>(
    `select a.client_port from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
        and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`,
    [jobId],
  );
  const port = rows[0]?.client_port;
  if (!port) return null;
  const inode = await socketInode(port);
  if (!inode) return null;
  for (const w of env.liveWorkers()) {
    const pid = w.child.pid!;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (target === `socket:[${inode}]`) return pid;
    }
  }
  return null;
}

/** The inode of the local TCP socket bound to 127.0.0.1:`port` (from /proc/net/tcp). */
async function socketInode(port: number): Promise<string | null> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hexPort}`)) return cols[9] ?? null;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Faults

/** Injects `rules` into the emulator; returns the handles to check that each fired. */
export function injectFaults(env: ChaosEnv, rules: FaultRule[]): FaultHandle[] {
  return rules.map((r) => env.emulator.faults.inject(r));
}

export function setRateLimit(env: ChaosEnv, perSecond: number): void {
  if (env.emulator.source === 'resend') env.emulator.resend.setRateLimit(perSecond);
}
