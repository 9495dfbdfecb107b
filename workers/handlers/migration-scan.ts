import type { JobHandler } from '../worker-runtime.js';
import { loadJob, transitionJob, watchForCancellation } from '../../src/modules/imports/job-state.js';
import { createConnector } from '../../src/sources/connector-factory.js';
import { describeFailure } from './failure-message.js';
import { isDatabaseUnavailable } from '../../src/db/connection-errors.js';
import { emitMigrationEvent } from '../../src/modules/webhooks/webhook-events.js';
import type { KnownSource } from '../../src/modules/sources/source-catalog.js';

/** pending → scanning → ready_for_review with the scan result; a failure → failed (scan). */
export const handleMigrationScan: JobHandler<{ jobId: string; organizationId: string; run?: number }> = async (
  { jobId, organizationId, run },
  _job,
  { pool, sealer, env, logger, jobs },
) => {
  const job = await loadJob(pool, jobId, organizationId);
  // Work queued for an older run is not ours: the newer run has its own.
  if (!job || !job.sealed_credential || (run !== undefined && run !== job.run)) return;
  // A redelivered scan (worker crash) continues from scanning; anything else is not ours.
  if (!(await transitionJob(pool, job, ['pending', 'scanning'], { status: 'scanning' }, job.run))) return;

  const controller = new AbortController();
  const stopWatching = watchForCancellation(pool, jobId, 'scanning', controller, job.run);
  let credential: string | undefined;
  try {
    credential = await sealer.unseal(job.sealed_credential, { organizationId, jobId });
    const connector = createConnector(job.source as KnownSource, credential, env, controller.signal);
    const scan = await connector.scan();
    if (await transitionJob(pool, job, ['scanning'], { status: 'ready_for_review', scan_result: scan }, job.run)) {
      await emitMigrationEvent(pool, jobs, logger, jobId, 'migration.scan_completed');
    }
    logger.info({ jobId, domains: scan.domains.length, audiences: scan.audiences.length }, 'scan completed');
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err; // given back to the queue: the scan runs again
    if (controller.signal.aborted) return; // cancelled: the API already marked the job failed
    logger.warn({ jobId, err: describeFailure(err, credential) }, 'scan failed');
    const failed = await transitionJob(pool, job, ['scanning'], {
      status: 'failed',
      error_message: describeFailure(err, credential, 'scan'),
      failed_phase: 'scan',
      completed_at: new Date(),
    }, job.run);
    if (failed) await emitMigrationEvent(pool, jobs, logger, jobId, 'migration.failed');
  } finally {
    stopWatching();
  }
};
