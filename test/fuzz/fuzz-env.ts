/**
 * The world a fuzz run talks to: a database of its own, Resend and SendGrid emulators (so valid
 * source credentials exist), the API as a real child process (production mode, debug logs, every
 * line captured), two organizations with keys of each scope, and jobs in every status.
 *
 * Works under vitest and outside it alike: everything it needs is an admin database URL (a server
 * it may create and drop databases on). Nothing here imports vitest.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../src/db/orm.js';
import { migrateWithLock } from '../../src/db/migrate.js';
import { newId } from '../../src/db/ids.js';
import { parseEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { ensureQueues } from '../../workers/worker-runtime.js';
import { createApiKey, createOrganization } from '../../src/modules/api-keys/api-key.service.js';
import type { ApiKeyScope } from '../../src/modules/api-keys/api-key.entity.js';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { generateSendGridAccount } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import { generateMailgunAccount } from '../../emulators/mailgun/generator.js';
import { startMailgunEmulator } from '../../emulators/mailgun/server.js';
import { generatePostmarkAccount } from '../../emulators/postmark/generator.js';
import { startPostmarkEmulator } from '../../emulators/postmark/server.js';

export const JOB_STATUSES = ['pending', 'scanning', 'ready_for_review', 'importing', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What the seeded scan of a ready_for_review job found: approvals are checked against it. */
export const SEEDED_SCAN = {
  domains: [{ name: 'acme.com', status: 'verified' }, { name: 'news.acme.com', status: 'pending' }],
  audiences: [
    { id: 'aud_1', name: 'Newsletter', contact_count: 3 },
    { id: 'aud_2', name: 'Customers', contact_count: 2 },
  ],
  templates: [{ id: 'tpl_1', name: 'Welcome' }],
  topics: [{ id: 'top_1', name: 'Product news' }],
  contact_properties: [{ id: 'prop_1', key: 'plan', type: 'string' }],
  errors: [],
};

export interface SeededKey {
  id: string;
  /** The plaintext `mk_…` secret: it must never appear in a response or a log line. */
  key: string;
  scope: ApiKeyScope;
}

export interface SeededOrg {
  id: string;
  name: string;
  full: SeededKey;
  readOnly: SeededKey;
  /** A key revoked before the run: it must be refused everywhere. */
  revoked: SeededKey;
  jobs: Record<JobStatus, string>;
  webhookId: string;
  audienceId: string;
  contactId: string;
  contactEmail: string;
}

export interface FuzzEnv {
  apiUrl: string;
  api: ManagedProcess;
  dbUrl: string;
  /** Plain SQL on the run's database (seeding, digests). */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  resend: ResendEmulator;
  sendgrid: SendGridEmulator;
  /** The Resend account's Full access key and the SendGrid account's read-all key. */
  resendCredential: string;
  sendgridCredential: string;
  orgA: SeededOrg;
  orgB: SeededOrg;
  /** Jobs of orgA in every status (two each) for fuzzed mutations: their status may change. */
  scratchJobs: string[];
  /** A media file that exists (`GET /media/<this>` answers 200). */
  mediaFile: string;
  /** Every API key secret made so far (seeded or made by the harness). */
  secrets: Set<string>;
  /** A fresh key of orgA (for revocation properties). */
  newKey(scope: ApiKeyScope, org?: SeededOrg): Promise<SeededKey>;
  /** A fresh job of orgA in the given status (for properties whose requests may change it). */
  newJob(status: JobStatus, org?: SeededOrg): Promise<string>;
  /** Everything the API wrote on stdout/stderr so far. */
  apiOutput(): string;
  /** A digest of every application table: equal digests mean nothing was written. */
  digest(): Promise<string>;
  close(): Promise<void>;
}

export interface FuzzEnvOptions {
  /** A PostgreSQL URL on whose server the run may create and drop its database. */
  adminDatabaseUrl: string;
  /** Extra settings for the API process. */
  apiSettings?: Record<string, string>;
  /** Receives progress lines (setup steps); silent by default. */
  log?: (line: string) => void;
}

/** Tables whose content requests must not change when they are refused. */
const DIGEST_TABLES = [
  'organizations', 'api_keys', 'migration_jobs', 'webhook_endpoints', 'webhook_deliveries', 'domains', 'audiences',
  'contacts', 'audience_members', 'source_links', 'custom_fields', 'templates', 'suppression_groups', 'suppressions',
  'media_assets',
];

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function startFuzzEnv(options: FuzzEnvOptions): Promise<FuzzEnv> {
  const log = options.log ?? (() => {});
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    // --- database ---------------------------------------------------------------------------
    const name = `fuzz_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: options.adminDatabaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const a = new pg.Client({ connectionString: options.adminDatabaseUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    });
    const dbUrl = withDatabase(options.adminDatabaseUrl, name);
    log(`database ${name}`);
    const orm: MikroORM = await initOrm({ databaseUrl: dbUrl, poolMax: 3 });
    cleanups.push(() => orm.close(true));
    await migrateWithLock(orm, dbUrl);
    const pool = new pg.Pool({ connectionString: dbUrl, max: 3 });
    pool.on('error', () => {}); // a client still closing when the database is dropped (see testPool)
    cleanups.push(() => pool.end());
    const query = async <T extends pg.QueryResultRow>(sql: string, params?: unknown[]) => (await pool.query<T>(sql, params)).rows;

    // --- emulators --------------------------------------------------------------------------
    const resend = await startResendEmulator({ account: generateResendAccount({ seed: 7, contacts: 20 }), rateLimit: 10_000 });
    cleanups.push(() => resend.close());
    const sendgrid = await startSendGridEmulator({ account: generateSendGridAccount({ seed: 7, contacts: 20 }) });
    cleanups.push(() => sendgrid.close());
    const resendCredential = resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
    const sendgridCredential = sendgrid.account.apiKeys[0]!.token;
    // So that a fuzzed Mailgun or Postmark start is answered here, never by a host this machine cannot reach.
    const mailgun = await startMailgunEmulator({ account: generateMailgunAccount({ seed: 7, contacts: 20 }) });
    cleanups.push(() => mailgun.close());
    const postmark = await startPostmarkEmulator({ account: generatePostmarkAccount({ seed: 7 }) });
    cleanups.push(() => postmark.close());

    // --- seed -------------------------------------------------------------------------------
    const secrets = new Set<string>();
    const makeKey = async (organizationId: string, scope: ApiKeyScope): Promise<SeededKey> => {
      const { apiKey, plaintext } = await createApiKey(orm.em.fork(), { organizationId, scope, name: `fuzz ${scope}` });
      secrets.add(plaintext);
      return { id: apiKey.id, key: plaintext, scope };
    };
    const makeJob = async (organizationId: string, status: JobStatus): Promise<string> => {
      const id = newId('mig');
      const scan = status === 'pending' || status === 'scanning' ? null : SEEDED_SCAN;
      const failedPhase = status === 'failed' ? 'scan' : null;
      await query(
        `insert into migration_jobs (id, organization_id, source, status, scan_result, failed_phase, error_message, progress)
         values ($1, $2, 'resend', $3, $4, $5, $6, $7)`,
        [id, organizationId, status, scan, failedPhase, status === 'failed' ? 'seeded failure' : null,
          { phase: status === 'importing' ? 'contacts' : null, counts: {} }],
      );
      return id;
    };
    const makeOrg = async (label: string): Promise<SeededOrg> => {
      const org = await createOrganization(orm.em.fork(), `Fuzz ${label} ${name}`);
      const full = await makeKey(org.id, 'full_access');
      const readOnly = await makeKey(org.id, 'read_only');
      const revoked = await makeKey(org.id, 'full_access');
      await query('update api_keys set revoked_at = now() where id = $1', [revoked.id]);
      const jobs = {} as Record<JobStatus, string>;
      for (const status of JOB_STATUSES) jobs[status] = await makeJob(org.id, status);
      const webhookId = newId('whk');
      await query(
        `insert into webhook_endpoints (id, organization_id, url, events, sealed_secret) values ($1, $2, $3, $4, '{}'::jsonb)`,
        [webhookId, org.id, 'https://hooks.example.com/fuzz', ['migration.completed']],
      );
      const audienceId = newId('aud');
      await query(`insert into audiences (id, organization_id, name) values ($1, $2, 'Fuzz audience')`, [audienceId, org.id]);
      const contactEmail = `someone-${randomBytes(4).toString('hex')}@${label.toLowerCase()}.example`;
      const [contact] = await query<{ id: string }>(
        `insert into contacts (organization_id, email, email_display) values ($1, $2, $2) returning id`,
        [org.id, contactEmail],
      );
      await query(`insert into audience_members (audience_id, contact_id, organization_id) values ($1, $2, $3)`, [audienceId, contact!.id, org.id]);
      return { id: org.id, name: org.name, full, readOnly, revoked, jobs, webhookId, audienceId, contactId: contact!.id, contactEmail };
    };
    const orgA = await makeOrg('A');
    const orgB = await makeOrg('B');
    const scratchJobs: string[] = [];
    for (const status of [...JOB_STATUSES, ...JOB_STATUSES]) scratchJobs.push(await makeJob(orgA.id, status));
    const sha = randomBytes(32).toString('hex');
    await query(
      `insert into media_assets (organization_id, sha256, content_type, size, bytes) values ($1, $2, 'image/png', 3, $3)`,
      [orgA.id, sha, Buffer.from('png')],
    );

    // --- API, as a real child process ---------------------------------------------------------
    const kek = randomBytes(32).toString('base64');
    const api = startProcess('src/api.ts', {
      DATABASE_URL: dbUrl,
      DATABASE_POOL_MAX: '5',
      MIGRATE_KEK: kek,
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://api.example.test',
      LOG_LEVEL: 'debug',
      HOST: '127.0.0.1',
      PORT: '0',
      RESEND_BASE_URL: resend.url,
      SENDGRID_BASE_URL: sendgrid.url,
      SENDGRID_CDN_URL: sendgrid.cdnUrl,
      MAILGUN_BASE_URL: mailgun.url,
      MAILGUN_EU_BASE_URL: mailgun.euUrl,
      POSTMARK_BASE_URL: postmark.url,
      WEBHOOK_ALLOW_PRIVATE: 'false',
      RATE_LIMIT_PER_KEY: '0',
      RATE_LIMIT_PER_ADDRESS: '0',
      ...options.apiSettings,
    });
    cleanups.push(() => api.stop('SIGTERM', 10_000));
    const line = await api.waitFor(/API listening/, 60_000);
    const url = (JSON.parse(line) as { url: string }).url;
    const apiUrl = url.replace(/\/graphql$/, '');
    log(`API at ${apiUrl} (pid ${api.child.pid})`);

    // No worker runs (nothing may change jobs behind the properties' backs), but the queues a
    // worker would create must exist: otherwise startMigration answers 503 service_unavailable.
    const queue = await JobQueue.connect(dbUrl, createLogger('silent', 'fuzz'));
    await ensureQueues(queue.boss, parseEnv({ DATABASE_URL: dbUrl }));
    await queue.stop();

    const existing = new Set(
      (await query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public'`)).map((r) => r.table_name),
    );
    const tables = DIGEST_TABLES.filter((t) => existing.has(t));
    const digestSql = tables
      .map((t) => `select '${t}' as t, count(*)::int as n, md5(coalesce(string_agg(r.j, ',' order by r.j), '')) as h
        from (select (to_jsonb(x) - 'last_used_at')::text as j from ${t} x) r`)
      .join(' union all ');

    return {
      apiUrl,
      api,
      dbUrl,
      query,
      resend,
      sendgrid,
      resendCredential,
      sendgridCredential,
      orgA,
      orgB,
      scratchJobs,
      mediaFile: `${sha}.png`,
      secrets,
      newKey: (scope, org = orgA) => makeKey(org.id, scope),
      newJob: (status, org = orgA) => makeJob(org.id, status),
      apiOutput: () => api.output(),
      async digest() {
        const rows = await query<{ t: string; n: number; h: string }>(digestSql);
        return rows.map((r) => `${r.t}:${r.n}:${r.h}`).join(' ');
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
