import type { JobHandler, WorkerServices } from '../worker-runtime.js';
import { watchForCancellation, withJobLock } from '../../src/modules/imports/job-state.js';
import { MigrationJobStore } from '../../src/modules/migrations/migration-job.store.js';
import { publicBaseUrl } from '../../src/config/env.js';
import { ImportInterrupted, ImportRunner, type ImportJobState } from '../../src/modules/imports/import-runner.js';
import { createConnector } from '../../src/sources/connector-factory.js';
import { describeFailure } from './failure-message.js';
import { emitMigrationEvent } from '../../src/modules/webhooks/webhook-events.js';
import { SourceError } from '../../src/sources/source-types.js';
import { isDatabaseUnavailable } from '../../src/db/connection-errors.js';
import { deleteUploadsOfJob } from '../../src/modules/uploads/upload.repository.js';

/**
 * Runs the approved import to completion, resuming from the job's checkpoints. Provider and
 * credential failures fail the job (the user can retry); a crash of this process leaves the job
 * `importing` and pg-boss redelivers it, which resumes after the last committed batch.
 */
export const handleMigrationImport: JobHandler<{ jobId: string; organizationId: string; run?: number }> = async (
  { jobId, organizationId, run },
  _job,
  services,
) => {
  const { pool } = services;
  const ran = await withJobLock(pool, jobId, (lockLost) => runImport(jobId, organizationId, run, services, lockLost), LOCK_WAIT_MS);
  // Never completed silently: pg-boss retries it once the holder (an older run finishing its
  // batch, or a redelivery's original) has let go.
  if (!ran) throw new Error(`the import of ${jobId} is still held by another run; retrying later`);
};

/** How long a delivery waits for an older run of its job to let go of the lock. */
const LOCK_WAIT_MS = 30_000;

async function runImport(
  jobId: string,
  organizationId: string,
  run: number | undefined,
  { pool, sealer, env, logger, jobs }: WorkerServices,
  lockLost: AbortSignal,
) {
  const store = new MigrationJobStore(pool);
  const job = await store.find({ id: jobId, organizationId });
  if (!job || job.status !== 'importing' || !job.sealedCredential || !job.importOptions) return;
  // Work queued for an older run: the newer run has its own.
  if (run !== undefined && run !== job.run) return;

  const controller = new AbortController();
  lockLost.addEventListener('abort', () => controller.abort(lockLost.reason), { once: true });
  const stopWatching = watchForCancellation(pool, jobId, 'importing', controller, job.run);
  let credential: string | undefined;
  let runner: ImportRunner | undefined;
  try {
    credential = await sealer.unseal(job.sealedCredential, { organizationId, ownerId: jobId });
    const connector = createConnector(job.source, credential, env, controller.signal);
    const mediaBaseUrl = publicBaseUrl(env);
    runner = new ImportRunner(pool, { ...job, importOptions: job.importOptions, mediaBaseUrl }, connector);
    const result = await runner.run();
    const done = await store.transition(job, { from: ['importing'], run: job.run }, {
      status: 'completed',
      importResult: result,
      progress: runner.finalProgress(),
      completedAt: new Date(),
      // Used once: the credential is wiped as soon as the import no longer needs it.
      sealedCredential: null,
    });
    if (done) {
      // Uploaded files are customer data the job no longer needs.
      const uploads = await deleteUploadsOfJob(pool, jobId);
      logger.info({ jobId, imported: result.imported, uploadsDeleted: uploads }, 'import completed');
      await emitMigrationEvent(pool, jobs, logger, jobId, 'migration.completed');
    }
  } catch (err) {
    // The database went away (restart, killed connection): give the job back; pg-boss
    // redelivers it and it resumes after the last committed batch.
    if (lockLost.aborted || isDatabaseUnavailable(err)) {
      logger.warn({ jobId, err: (lockLost.reason as Error | undefined)?.message ?? (err as Error).message }, 'import interrupted by the database; giving it back');
      throw lockLost.aborted ? lockLost.reason : err;
    }
    if (err instanceof ImportInterrupted || controller.signal.aborted) {
      logger.info({ jobId }, 'import stopped: job no longer importing');
      return;
    }
    if (err instanceof SourceError) logger.warn({ jobId, err: describeFailure(err, credential) }, 'import failed');
    else logger.error({ jobId, err }, 'import failed unexpectedly');
    const failed = await store.transition(job, { from: ['importing'], run: job.run }, {
      status: 'failed',
      errorMessage: describeFailure(err, credential, runner?.currentProgress.phase ?? undefined),
      failedPhase: 'import',
      completedAt: new Date(),
    });
    if (failed) await emitMigrationEvent(pool, jobs, logger, jobId, 'migration.failed');
  } finally {
    stopWatching();
  }
}
