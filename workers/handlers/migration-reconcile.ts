import type { JobHandler } from '../worker-runtime.js';
import { reconcileMigrations } from '../../src/modules/imports/reconciler.js';

/** Every minute: jobs whose queue work was lost go back to the queue, or fail with the reason. */
export const handleMigrationReconcile: JobHandler<Record<string, unknown>> = async (_payload, _job, { pool, jobs, logger }) => {
  await reconcileMigrations(pool, jobs, logger);
};
