import type { JobHandler } from '../worker-runtime.js';

/** Wipes sealed credentials of failed jobs older than the retention period (they cannot retry). */
export const handleCredentialJanitor: JobHandler<Record<string, unknown>> = async (_payload, _job, { pool, env, logger }) => {
  const { rowCount } = await pool.query(
    `update migration_jobs set sealed_credential = null, updated_at = now()
      where status = 'failed' and sealed_credential is not null
        and coalesce(completed_at, updated_at) < now() - make_interval(hours => $1::int)`,
    [Math.floor(env.CREDENTIAL_RETENTION_HOURS)],
  );
  if (rowCount) logger.info({ wiped: rowCount }, 'wiped credentials of failed jobs past retention');
};
