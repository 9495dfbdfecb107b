import type { JobHandler } from '../worker-runtime.js';
import { deleteExpiredIdempotencyKeys } from '../../src/modules/idempotency/idempotency.repository.js';

/**
 * The hourly janitor: wipes sealed credentials of failed jobs older than the retention period
 * (they cannot retry), and reclaims expired Idempotency-Key rows (already ignored when read).
 */
export const handleCredentialJanitor: JobHandler<Record<string, unknown>> = async (_payload, _job, { pool, env, logger }) => {
  const { rowCount } = await pool.query(
    `update migration_jobs set sealed_credential = null, updated_at = now()
      where status = 'failed' and sealed_credential is not null
        and coalesce(completed_at, updated_at) < now() - make_interval(hours => $1::int)`,
    [Math.floor(env.CREDENTIAL_RETENTION_HOURS)],
  );
  if (rowCount) logger.info({ wiped: rowCount }, 'wiped credentials of failed jobs past retention');
  const expiredKeys = await deleteExpiredIdempotencyKeys(pool);
  if (expiredKeys) logger.info({ deleted: expiredKeys }, 'deleted expired idempotency keys');
};
