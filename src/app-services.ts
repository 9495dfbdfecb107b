import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Env } from './config/env.js';
import { JobQueue } from './jobs/job-queue.js';
import type { Logger } from './logger.js';
import { createCredentialSealer, type CredentialSealer } from './modules/credentials/credential-sealer.js';
import { ProgressHub } from './modules/progress/progress-hub.js';
import { progressReader } from './modules/progress/progress.repository.js';

/** Long-lived, per-process dependencies handed to the HTTP layer and the service layer. */
export interface AppServices {
  env: Env;
  orm: MikroORM;
  jobs: JobQueue;
  logger: Logger;
  sealer: CredentialSealer;
  progress: ProgressHub;
  /** Plain pg pool for the few raw-SQL paths (webhook event fan-out). */
  pool: pg.Pool;
}

/** Connects what an API process needs beside its ORM; `close` undoes it. */
export async function createAppServices(
  env: Env & { DATABASE_URL: string },
  orm: MikroORM,
  logger: Logger,
): Promise<AppServices & { close(): Promise<void> }> {
  const jobs = await JobQueue.connect(env.DATABASE_URL, logger);
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 3 });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  const progress = new ProgressHub(env.DATABASE_URL, progressReader(orm), logger);
  await progress.start();
  return {
    env,
    orm,
    jobs,
    logger,
    sealer: createCredentialSealer(env),
    progress,
    pool,
    async close() {
      await progress.stop();
      await jobs.stop();
      await pool.end();
    },
  };
}
