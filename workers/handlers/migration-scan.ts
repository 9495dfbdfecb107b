import type { JobHandler } from '../worker-runtime.js';
import { watchForCancellation } from '../../src/modules/imports/job-state.js';
import { MigrationJobStore } from '../../src/modules/migrations/migration-job.store.js';
import { createConnector } from '../../src/sources/connector-factory.js';
import { describeFailure } from './failure-message.js';
import { isDatabaseUnavailable } from '../../src/db/connection-errors.js';
import { emitMigrationEvent } from '../../src/modules/webhooks/webhook-events.js';
import { scanCounts, ScanCountWriter } from '../../src/modules/imports/scan-count-writer.js';

/** pending → scanning → ready_for_review with the scan result; a failure → failed (scan). */
export const handleMigrationScan: JobHandler<{ jobId: string; organizationId: string; run?: number }> = async (
  { jobId, organizationId, run },
  _job,
  { pool, sealer, env, logger, jobs },
) => {
  const store = new MigrationJobStore(pool);
  const job = await store.find({ id: jobId, organizationId });
  // Work queued for an older run is not ours: the newer run has its own.
  if (!job || !job.sealedCredential || (run !== undefined && run !== job.run)) return;
  // A redelivered scan (worker crash) continues from scanning; anything else is not ours.
  if (!(await store.transition(job, { from: ['pending', 'scanning'], run: job.run }, { status: 'scanning' }))) return;

  const controller = new AbortController();
  const stopWatching = watchForCancellation(pool, jobId, 'scanning', controller, job.run);
  let credential: string | undefined;
  const counts = new ScanCountWriter(store, job, logger);
  try {
    credential = await sealer.unseal(job.sealedCredential, { organizationId, ownerId: jobId });
    const connector = createConnector(job.source, credential, env, controller.signal);
    const scan = await connector.scan(counts.counted);
    await counts.stop();
    const progress = { ...job.progress, counts: {}, scanned: scanCounts(scan) };
    if (await store.transition(job, { from: ['scanning'], run: job.run }, { status: 'ready_for_review', scanResult: scan, progress })) {
      await emitMigrationEvent(pool, jobs, logger, jobId, 'migration.scan_completed');
    }
    logger.info({ jobId, domains: scan.domains.length, audiences: scan.audiences.length }, 'scan completed');
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err; // given back to the queue: the scan runs again
    if (controller.signal.aborted) return; // cancelled: the API already marked the job failed
    logger.warn({ jobId, err: describeFailure(err, credential) }, 'scan failed');
    const failed = await store.transition(job, { from: ['scanning'], run: job.run }, {
      status: 'failed',
      errorMessage: describeFailure(err, credential, 'scan'),
      failedPhase: 'scan',
      completedAt: new Date(),
    });
    if (failed) await emitMigrationEvent(pool, jobs, logger, jobId, 'migration.failed');
  } finally {
    await counts.stop();
    stopWatching();
  }
};
