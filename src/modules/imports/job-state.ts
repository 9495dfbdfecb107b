import type pg from 'pg';
import type { SealedCredential } from '../credentials/credential-sealer.js';
import type { MigrationStatus } from '../migrations/migration-job.entity.js';

export interface JobRow {
  id: string;
  organization_id: string;
  source: string;
  status: MigrationStatus;
  sealed_credential: SealedCredential | null;
  scan_result: Record<string, unknown> | null;
  import_options: Record<string, unknown> | null;
  import_result: Record<string, unknown> | null;
  checkpoints: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  run: number;
}

export async function loadJob(pool: pg.Pool, id: string, organizationId: string): Promise<JobRow | null> {
  const { rows } = await pool.query<JobRow>(
    'select * from migration_jobs where id = $1 and organization_id = $2',
    [id, organizationId],
  );
  return rows[0] ?? null;
}

export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * Moves the job only if it is still in one of `from` (and, with `run`, still in that run);
 * returns whether it moved.
 */
export async function transitionJob(
  db: Queryable,
  job: { id: string; organization_id: string },
  from: MigrationStatus[],
  set: Record<string, unknown>,
  run?: number,
): Promise<boolean> {
  const columns = Object.keys(set);
  const assignments = columns.map((c, i) => `${c} = $${i + 5}`).join(', ');
  const { rowCount } = await db.query(
    `update migration_jobs set ${assignments}, updated_at = now()
      where id = $1 and organization_id = $2 and status = any($3::text[]) and ($4::int is null or run = $4)`,
    [job.id, job.organization_id, from, run ?? null, ...columns.map((c) => set[c])],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Aborts `controller` within about `intervalMs` once the job leaves `status` or `run` (a cancel,
 * or a retry that started a newer run), so waits on the provider end promptly.
 */
export function watchForCancellation(
  pool: pg.Pool,
  jobId: string,
  status: MigrationStatus,
  controller: AbortController,
  run: number,
  intervalMs = 250,
): () => void {
  const timer = setInterval(() => {
    pool
      .query<{ status: string; run: number }>('select status, run from migration_jobs where id = $1', [jobId])
      .then(({ rows }) => {
        if (rows[0]?.status !== status || rows[0]?.run !== run) controller.abort(new Error(`job left ${status} run ${run}`));
      })
      .catch(() => {});
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Holds a session advisory lock named after the job while `work` runs, so a redelivered or
 * retried import never runs beside one still going; the lock dies with a killed worker's
 * connection. The lock's connection is watched: if it drops, `work`'s signal aborts (the job is
 * given back and redelivered, since another worker may now take the lock). Waits up to
 * `waitMs` for a holder to let go; returns false without running `work` when it does not.
 */
export async function withJobLock(
  pool: pg.Pool,
  jobId: string,
  work: (lockLost: AbortSignal) => Promise<void>,
  waitMs = 0,
): Promise<boolean> {
  const client = await pool.connect();
  const lost = new AbortController();
  const onError = (err: Error) => lost.abort(new LockLost(jobId, err));
  client.on('error', onError);
  let broken = false;
  try {
    if (!(await tryLockFor(client, jobId, waitMs))) return false;
    try {
      await work(lost.signal);
    } finally {
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [jobId]).catch(() => (broken = true));
    }
    if (lost.signal.aborted) throw lost.signal.reason;
    return true;
  } finally {
    client.off('error', onError);
    // A connection that failed is not given back to the pool for reuse.
    client.release(broken || lost.signal.aborted ? true : undefined);
  }
}

/** The connection holding a job's lock dropped: the work stopped and the job goes back to the queue. */
export class LockLost extends Error {
  constructor(jobId: string, cause: Error) {
    super(`the database connection holding the lock of ${jobId} dropped (${cause.message}); the job will be redelivered`);
    this.name = 'LockLost';
  }
}

/** Tries the job's lock until it is free or `waitMs` has passed (an older run finishing its batch). */
async function tryLockFor(client: pg.PoolClient, jobId: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [jobId]);
    if (rows[0]?.locked) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
