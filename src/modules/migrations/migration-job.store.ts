import type pg from 'pg';
import { z } from 'zod';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { JobDefinition } from '../../jobs/job-definitions.js';
import type { SealedCredential } from '../credentials/credential-sealer.js';
import { KNOWN_SOURCES } from '../source-catalog/source-catalog.js';
import { scanResultSchema } from '../../model/scan-result.js';
import { importOptionsSchema } from '../../model/import-options.js';
import { upgradeOptions, upgradeScan } from '../../model/legacy-shapes.js';
import { importResultSchema } from '../../model/import-result.js';
import { importCheckpointsSchema, importProgressSchema } from '../../model/import-state.js';
import { FAILED_PHASES, MIGRATION_STATUSES, type MigrationStatus } from './migration-status.js';

import type { Queryable } from '../../db/queryable.js';

export type { Queryable };

/** A JSON column read back: parsed against its schema, or a clear error naming job and column. */
function column<S extends z.ZodType>(name: string, schema: S) {
  return z.unknown().transform((value, ctx): z.infer<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const first = parsed.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${name} does not match its schema (${first?.path.join('.') || 'value'}: ${first?.message})` });
    return z.NEVER;
  });
}

const jobRowSchema = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    source: z.enum(KNOWN_SOURCES),
    status: z.enum(MIGRATION_STATUSES),
    // Checked in full by the sealer, which answers with its own error for a bad envelope.
    sealed_credential: z.custom<SealedCredential>((v) => typeof v === 'object' && v !== null).nullable(),
    scan_result: column('scan_result', z.preprocess(upgradeScan, scanResultSchema.nullable())),
    import_options: column('import_options', z.preprocess(upgradeOptions, importOptionsSchema.nullable())),
    import_result: column('import_result', importResultSchema.nullable()),
    error_message: z.string().nullable(),
    failed_phase: z.enum(FAILED_PHASES).nullable(),
    progress: column('progress', importProgressSchema),
    checkpoints: column('checkpoints', importCheckpointsSchema),
    created_at: z.date(),
    updated_at: z.date(),
    completed_at: z.date().nullable(),
    run: z.number().int(),
    recoveries: z.number().int(),
  })
  .transform((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    source: r.source,
    status: r.status,
    sealedCredential: r.sealed_credential,
    scanResult: r.scan_result,
    importOptions: r.import_options,
    importResult: r.import_result,
    errorMessage: r.error_message,
    failedPhase: r.failed_phase,
    progress: r.progress,
    checkpoints: r.checkpoints,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
    /** Which run of the job this is: every approve and retry starts a new one. */
    run: r.run,
    /** How often the reconciler gave the job back to the queue after its queue work was lost. */
    recoveries: r.recoveries,
  }));

/** A migration job as stored, every JSON column parsed. */
export type MigrationJob = z.infer<typeof jobRowSchema>;

/** A stored job that does not parse: a bug or a hand-edited row, never the caller's fault. */
export class CorruptJobRecord extends Error {
  constructor(id: string, detail: string) {
    super(`migration job ${id} is stored in a shape this version cannot read: ${detail}`);
    this.name = 'CorruptJobRecord';
  }
}

/** What a transition may set; each key is one column. */
export type JobChanges = Partial<
  Pick<
    MigrationJob,
    'status' | 'scanResult' | 'importOptions' | 'importResult' | 'errorMessage' | 'failedPhase' | 'progress' | 'checkpoints' | 'completedAt' | 'sealedCredential'
  >
>;

const COLUMNS: Record<keyof JobChanges, string> = {
  status: 'status',
  scanResult: 'scan_result',
  importOptions: 'import_options',
  importResult: 'import_result',
  errorMessage: 'error_message',
  failedPhase: 'failed_phase',
  progress: 'progress',
  checkpoints: 'checkpoints',
  completedAt: 'completed_at',
  sealedCredential: 'sealed_credential',
};

/** Which job a call is about; organization-scoped so no caller reaches another tenant's job. */
export interface JobKey {
  id: string;
  organizationId: string;
}

export interface TransitionGuard {
  /** Only while the job is in one of these. */
  from: readonly MigrationStatus[];
  /** Only while the job is still in this run. */
  run?: number;
}

export interface QueuedWork {
  work: JobDefinition<{ jobId: string; organizationId: string; run?: number }>;
  /** Start a new run (approve, retry) or count a recovery of the current one (the reconciler). */
  runChange: 'next_run' | 'recovery';
  /** Scans are singletons per run, so a duplicate send is a no-op. */
  singleton?: boolean;
}

/** An organization's jobs, narrowed by a JobFilter: $1 organization, $2 status, $3 source (null: any). */
const IN_FILTER = 'organization_id = $1 and ($2::text is null or status = $2) and ($3::text is null or source = $3)';

export interface JobFilter {
  status?: MigrationStatus;
  source?: (typeof KNOWN_SOURCES)[number];
}

/**
 * Every read and write of `migration_jobs`, for the API and the workers alike. Writes are
 * guarded transitions: API and workers race on the same row, and the loser must see that it lost.
 */
export class MigrationJobStore {
  constructor(private readonly db: Queryable) {}

  /** The same store on a transaction's connection. */
  on(db: Queryable): MigrationJobStore {
    return new MigrationJobStore(db);
  }

  async find(key: JobKey): Promise<MigrationJob | null> {
    const { rows } = await this.db.query('select * from migration_jobs where id = $1 and organization_id = $2', [key.id, key.organizationId]);
    return rows[0] ? parseJob(rows[0]) : null;
  }

  /** Jobs by id, of any organization (for the progress hub, which checks the organization itself). */
  async findMany(ids: string[]): Promise<MigrationJob[]> {
    if (!ids.length) return [];
    const { rows } = await this.db.query('select * from migration_jobs where id = any($1::text[])', [ids]);
    return rows.map(parseJob);
  }

  /** The organizations' jobs written since `since` (at most `limit`, the latest first). */
  async changedSince(organizationIds: string[], since: Date, limit = 1000): Promise<MigrationJob[]> {
    if (!organizationIds.length) return [];
    const { rows } = await this.db.query(
      'select * from migration_jobs where organization_id = any($1::text[]) and updated_at >= $2 order by updated_at desc limit $3',
      [organizationIds, since, limit],
    );
    return rows.map(parseJob);
  }

  /** Newest first, keyset-paged on (created_at, id) after the job `after`: `limit` rows. */
  async page(organizationId: string, limit: number, after: { createdAt: Date; id: string } | null, filter: JobFilter = {}): Promise<MigrationJob[]> {
    const { rows } = await this.db.query(
      `select * from migration_jobs
        where ${IN_FILTER}
          and ($4::timestamptz is null or (created_at, id) < ($4, $5))
        order by created_at desc, id desc limit $6`,
      [organizationId, filter.status ?? null, filter.source ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(parseJob);
  }

  async count(organizationId: string, filter: JobFilter = {}): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `select count(*)::int as n from migration_jobs where ${IN_FILTER}`,
      [organizationId, filter.status ?? null, filter.source ?? null],
    );
    return rows[0]!.n;
  }

  /**
   * Stores a new job and queues its first work in one transaction: a job is never seen (nor
   * notified to `migrationsChanged`) without its work, and never has to be taken back.
   */
  async insertAndQueue(
    pool: pg.Pool,
    queue: Pick<JobQueue, 'send'>,
    job: JobKey & Pick<MigrationJob, 'source' | 'status' | 'sealedCredential' | 'importOptions' | 'progress'>,
    work: QueuedWork['work'],
    options: { singletonKey?: string } = {},
  ): Promise<void> {
    await this.withQueueing(pool, async (store, db) => {
      await store.db.query(
        `insert into migration_jobs (id, organization_id, source, status, sealed_credential, import_options, progress) values ($1, $2, $3, $4, $5, $6, $7)`,
        [job.id, job.organizationId, job.source, job.status, job.sealedCredential, job.importOptions, job.progress],
      );
      await queue.send(work, { jobId: job.id, organizationId: job.organizationId, run: 1 }, { db, ...options });
      return true;
    });
  }

  /** The status and run a worker checks to notice a cancel or a newer run. */
  async statusAndRun(id: string): Promise<{ status: MigrationStatus; run: number } | null> {
    const { rows } = await this.db.query<{ status: MigrationStatus; run: number }>('select status, run from migration_jobs where id = $1', [id]);
    return rows[0] ?? null;
  }

  /**
   * Jobs in a live status, untouched for `graceSeconds`, with no queue work in `queues` that
   * pg-boss still means to run: their work was lost (retries exhausted, a crash between the cracks).
   */
  async withoutQueuedWork(graceSeconds: number, queues: string[], queueSchema: string, limit = 100): Promise<MigrationJob[]> {
    const { rows } = await this.db.query(
      `select j.* from migration_jobs j
        where j.status in ('pending', 'scanning', 'importing') and j.updated_at < now() - make_interval(secs => $1)
          and not exists (
            select 1 from ${queueSchema}.job q
             where q.name = any($2::text[]) and q.data->>'jobId' = j.id and q.state in ('created', 'retry', 'active'))
        order by j.updated_at limit $3`,
      [graceSeconds, queues, limit],
    );
    return rows.map(parseJob);
  }

  /** Wipes the sealed credentials of failed jobs older than the retention: they can no longer retry. */
  async wipeExpiredCredentials(retentionHours: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `update migration_jobs set sealed_credential = null, updated_at = now()
        where status = 'failed' and sealed_credential is not null
          and coalesce(completed_at, updated_at) < now() - make_interval(hours => $1::int)`,
      [Math.floor(retentionHours)],
    );
    return rowCount ?? 0;
  }

  /** Applies `changes` only if the guard still holds; returns whether the job moved. */
  async transition(key: JobKey, guard: TransitionGuard, changes: JobChanges): Promise<boolean> {
    return (await this.update(key, guard, changes, '')) !== null;
  }

  /**
   * Applies `changes` and queues the work in one transaction: either both happen or neither, so
   * no job waits in a live status with nothing queued for it. Returns the run the work is for,
   * or null when the guard no longer held.
   */
  async transitionAndQueue(pool: pg.Pool, queue: Pick<JobQueue, 'send'>, key: JobKey, guard: TransitionGuard, changes: JobChanges, queued: QueuedWork): Promise<number | null> {
    return this.withQueueing(pool, async (store, db) => {
      const extra = queued.runChange === 'next_run' ? 'run = run + 1,' : 'recoveries = recoveries + 1,';
      const run = await store.update(key, guard, changes, extra);
      if (run === null) return null;
      const singletonKey = queued.singleton ? `scan:${key.id}:${run}` : undefined;
      await queue.send(queued.work, { jobId: key.id, organizationId: key.organizationId, run }, { db, singletonKey });
      return run;
    });
  }

  /**
   * One transaction on a client of `pool`, with pg-boss's `db` on that same client, so the work
   * `body` queues commits or rolls back with what it writes. A null result rolls back.
   */
  private async withQueueing<T>(pool: pg.Pool, body: (store: MigrationJobStore, db: { executeSql(text: string, values?: unknown[]): Promise<pg.QueryResult> }) => Promise<T | null>): Promise<T | null> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const result = await body(this.on(client), { executeSql: (text, values) => client.query(text, values) });
      await client.query(result === null ? 'rollback' : 'commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async update(key: JobKey, guard: TransitionGuard, changes: JobChanges, extra: string): Promise<number | null> {
    const names = Object.keys(changes) as (keyof JobChanges)[];
    const assignments = names.map((name, i) => `${COLUMNS[name]} = $${i + 5}`).join(', ');
    const { rows } = await this.db.query<{ run: number }>(
      `update migration_jobs set ${assignments}${assignments ? ',' : ''} ${extra} updated_at = now()
        where id = $1 and organization_id = $2 and status = any($3::text[]) and ($4::int is null or run = $4)
        returning run`,
      [key.id, key.organizationId, guard.from, guard.run ?? null, ...names.map((name) => changes[name] ?? null)],
    );
    return rows[0]?.run ?? null;
  }
}

function parseJob(row: unknown): MigrationJob {
  const parsed = jobRowSchema.safeParse(row);
  if (parsed.success) return parsed.data;
  const id = (row as { id?: unknown }).id;
  throw new CorruptJobRecord(typeof id === 'string' ? id : '(unknown id)', parsed.error.issues.map((i) => (i.code === 'custom' ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; '));
}
