import type { JobHandler } from '../worker-runtime.js';
import { MigrationJobStore } from '../../src/modules/migrations/migration-job.store.js';
import { deleteExpiredIdempotencyKeys } from '../../src/modules/idempotency/idempotency.repository.js';
import { deleteExpiredUploads } from '../../src/modules/uploads/upload.repository.js';

/**
 * The hourly janitor: wipes sealed credentials and uploaded files of failed jobs older than the
 * retention period (they cannot retry), and reclaims expired Idempotency-Key rows (already ignored when read).
 */
export const handleCredentialJanitor: JobHandler<Record<string, unknown>> = async (_payload, _job, { pool, env, logger }) => {
  const wiped = await new MigrationJobStore(pool).wipeExpiredCredentials(env.CREDENTIAL_RETENTION_HOURS);
  if (wiped) logger.info({ wiped }, 'wiped credentials of failed jobs past retention');
  const uploads = await deleteExpiredUploads(pool, env.CREDENTIAL_RETENTION_HOURS);
  if (uploads) logger.info({ deleted: uploads }, 'deleted uploads of failed jobs past retention');
  const expiredKeys = await deleteExpiredIdempotencyKeys(pool);
  if (expiredKeys) logger.info({ deleted: expiredKeys }, 'deleted expired idempotency keys');
};
