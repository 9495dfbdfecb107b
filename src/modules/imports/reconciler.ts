import type pg from 'pg';
import type { Logger } from '../../logger.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { PGBOSS_SCHEMA } from '../../jobs/job-queue.js';
import { migrationImportJob, migrationScanJob } from '../../jobs/job-definitions.js';
import { emitMigrationEvent } from '../webhooks/webhook-events.js';
import { MigrationJobStore, type JobChanges, type MigrationJob } from '../migrations/migration-job.store.js';

/** A job in a live status this long without any queue work is looked at (a fresh transition has its work). */
export const RECONCILE_GRACE_SECONDS = 60;
/** Recoveries before a job is failed with the reason instead of given back once more. */
export const MAX_RECOVERIES = 3;

/**
 * Finds jobs in `pending`, `scanning` or `importing` with no live queue work (pg-boss gave up
 * after its retries, or a crash fell between the cracks) and whose lock nobody holds, and gives
 * each back to the queue for its current run; after MAX_RECOVERIES the job fails with the
 * reason, so `/retry` works. Returns what it did, for logs and tests.
 */
export async function reconcileMigrations(
  pool: pg.Pool,
  jobs: JobQueue,
  logger: Logger,
  graceSeconds = RECONCILE_GRACE_SECONDS,
): Promise<{ requeued: string[]; failed: string[] }> {
  const store = new MigrationJobStore(pool);
  const orphans = await store.withoutQueuedWork(graceSeconds, [migrationScanJob.name, migrationImportJob.name], PGBOSS_SCHEMA);
  const outcome = { requeued: [] as string[], failed: [] as string[] };
  for (const job of orphans) {
    const client = await pool.connect();
    try {
      // Someone still runs it (an original delivery outliving its heartbeat): leave it alone.
      const { rows: lock } = await client.query<{ free: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as free', [job.id]);
      if (!lock[0]?.free) continue;
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [job.id]);
    } finally {
      client.release();
    }
    const guard = { from: [job.status], run: job.run };
    if (job.recoveries >= MAX_RECOVERIES) {
      if (await store.transition(job, guard, failure(job))) {
        outcome.failed.push(job.id);
        await emitMigrationEvent(pool, jobs, logger, job.id, 'migration.failed');
      }
    } else {
      // The job's work for its current run, queued again in the transaction that counts the recovery.
      const work = job.status === 'importing' ? migrationImportJob : migrationScanJob;
      if ((await store.transitionAndQueue(pool, jobs, job, guard, {}, { work, runChange: 'recovery' })) !== null) outcome.requeued.push(job.id);
    }
  }
  if (outcome.requeued.length || outcome.failed.length) logger.warn(outcome, 'reconciled migrations whose queue work was lost');
  return outcome;
}

function failure(job: MigrationJob): JobChanges {
  const phase = job.status === 'importing' ? 'import' : 'scan';
  return {
    status: 'failed',
    failedPhase: phase,
    completedAt: new Date(),
    errorMessage: `Stopped in the ${phase}: its work was lost ${job.recoveries + 1} times (workers crashed or ran out of retries); retry the migration (it resumes where it stopped)`,
  };
}
