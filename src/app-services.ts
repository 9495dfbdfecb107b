import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Env } from './config/env.js';
import { JobQueue } from './jobs/job-queue.js';
import type { Logger } from './logger.js';
import { createCredentialSealer, type CredentialSealer } from './modules/credentials/credential-sealer.js';
import { ProgressHub } from './modules/progress/progress-hub.js';
import { readChangedStates, readProgressStates } from './modules/progress/progress-state.js';
import { NotificationListener } from './db/notification-listener.js';
import { KeyRevocations } from './modules/api-keys/key-revocations.js';
import { createRateLimits, type RateLimits } from './http/rate-limit.js';

/** Long-lived, per-process dependencies handed to the HTTP layer and the service layer. */
export interface AppServices {
  env: Env;
  orm: MikroORM;
  jobs: JobQueue;
  logger: Logger;
  sealer: CredentialSealer;
  progress: ProgressHub;
  /** Ends sockets and subscriptions of a key the moment it is revoked, on any API process. */
  revocations: KeyRevocations;
  /** Request limits per client address and per API key, counted in PostgreSQL for every process. */
  rateLimits: RateLimits;
  /** Plain pg pool for the raw-SQL paths (rate limits, idempotency keys, webhook fan-out). */
  pool: pg.Pool;
}

/** Connects what an API process needs beside its ORM; `close` undoes it. */
export async function createAppServices(
  env: Env & { DATABASE_URL: string },
  orm: MikroORM,
  logger: Logger,
): Promise<AppServices & { close(): Promise<void> }> {
  const jobs = await JobQueue.connect(env.DATABASE_URL, logger);
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 6 });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  const listener = new NotificationListener(env.DATABASE_URL, logger, 'migrate-listener');
  const progress = new ProgressHub(
    listener,
    { jobs: (ids) => readProgressStates(pool, ids), changedSince: (orgs, since) => readChangedStates(pool, orgs, since) },
    logger,
    { updatesPerSecond: env.PROGRESS_UPDATES_PER_SECOND },
  );
  const revocations = new KeyRevocations(listener, pool, logger);
  await listener.start();
  const rateLimits = createRateLimits({ env, pool, logger });
  return {
    env,
    orm,
    jobs,
    logger,
    sealer: createCredentialSealer(env),
    progress,
    revocations,
    rateLimits,
    pool,
    async close() {
      await listener.stop();
      await jobs.stop();
      await pool.end();
    },
  };
}
