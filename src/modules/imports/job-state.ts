import type pg from 'pg';
import type { MigrationStatus } from '../migrations/migration-status.js';
import { MigrationJobStore } from '../migrations/migration-job.store.js';

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
    new MigrationJobStore(pool)
      .statusAndRun(jobId)
      .then((now) => {
        if (now?.status !== status || now?.run !== run) controller.abort(new Error(`job left ${status} run ${run}`));
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
