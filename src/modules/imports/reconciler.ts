import type pg from 'pg';
import type { Logger } from '../../logger.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { PGBOSS_SCHEMA } from '../../jobs/job-queue.js';
import { migrationImportJob, migrationScanJob } from '../../jobs/job-definitions.js';
import { emitMigrationEvent } from '../webhooks/webhook-events.js';

/** A job in a live status this long without any queue work is looked at (a fresh transition has its work). */
export const RECONCILE_GRACE_SECONDS = 60;
/** Recoveries before a job is failed with the reason instead of given back once more. */
export const MAX_RECOVERIES = 3;

interface Orphan {
  id: string;
  organization_id: string;
  status: 'pending' | 'scanning' | 'importing';
  run: number;
  recoveries: number;
}

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
  const { rows } = await pool.query<Orphan>(
    `select j.id, j.organization_id, j.status, j.run, j.recoveries from migration_jobs j
      where j.status in ('pending', 'scanning', 'importing') and j.updated_at < now() - make_interval(secs => $1)
        and not exists (
          select 1 from ${PGBOSS_SCHEMA}.job q
           where q.name = any($2::text[]) and q.data->>'jobId' = j.id and q.state in ('created', 'retry', 'active'))
      order by j.updated_at limit 100`,
    [graceSeconds, [migrationScanJob.name, migrationImportJob.name]],
  );
  const outcome = { requeued: [] as string[], failed: [] as string[] };
  for (const job of rows) {
    const client = await pool.connect();
    try {
      // Someone still runs it (an original delivery outliving its heartbeat): leave it alone.
      const { rows: lock } = await client.query<{ free: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as free', [job.id]);
      if (!lock[0]?.free) continue;
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [job.id]);
      if (job.recoveries >= MAX_RECOVERIES) {
        if (await failOrphan(client, job)) {
          outcome.failed.push(job.id);
          await emitMigrationEvent(pool, jobs, logger, job.id, 'migration.failed');
        }
      } else if (await requeue(client, jobs, job)) {
        outcome.requeued.push(job.id);
      }
    } finally {
      client.release();
    }
  }
  if (outcome.requeued.length || outcome.failed.length) logger.warn(outcome, 'reconciled migrations whose queue work was lost');
  return outcome;
}

/** The job's work for its current run, queued again in the transaction that counts the recovery. */
async function requeue(client: pg.PoolClient, jobs: JobQueue, job: Orphan): Promise<boolean> {
  await client.query('begin');
  try {
    const moved = await client.query(
      `update migration_jobs set recoveries = recoveries + 1, updated_at = now()
        where id = $1 and status = $2 and run = $3`,
      [job.id, job.status, job.run],
    );
    if (!moved.rowCount) {
      await client.query('rollback');
      return false;
    }
    const work = job.status === 'importing' ? migrationImportJob : migrationScanJob;
    const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
    await jobs.send(work, { jobId: job.id, organizationId: job.organization_id, run: job.run }, { db });
    await client.query('commit');
    return true;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}

async function failOrphan(client: pg.PoolClient, job: Orphan): Promise<boolean> {
  const phase = job.status === 'importing' ? 'import' : 'scan';
  const { rowCount } = await client.query(
    `update migration_jobs set status = 'failed', failed_phase = $4, completed_at = now(), updated_at = now(),
            error_message = $5
      where id = $1 and status = $2 and run = $3`,
    [
      job.id,
      job.status,
      job.run,
      phase,
      `Stopped in the ${phase}: its work was lost ${job.recoveries + 1} times (workers crashed or ran out of retries); retry the migration (it resumes where it stopped)`,
    ],
  );
  return (rowCount ?? 0) > 0;
}
