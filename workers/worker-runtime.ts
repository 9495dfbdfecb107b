import { PgBoss, type Job } from 'pg-boss';
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { CredentialSealer } from '../src/modules/credentials/credential-sealer.js';
import type { Env } from '../src/config/env.js';
import type { Logger } from '../src/logger.js';
import type { JobDefinition } from '../src/jobs/job-definitions.js';
import { ALL_JOBS } from '../src/jobs/job-definitions.js';
import { JobQueue, PGBOSS_SCHEMA } from '../src/jobs/job-queue.js';

export interface WorkerServices {
  env: Env;
  orm: MikroORM;
  /** Plain pg pool for bulk writes and short transactions of the import pipeline. */
  pool: pg.Pool;
  boss: PgBoss;
  logger: Logger;
  sealer: CredentialSealer;
  /** Sends follow-up jobs (webhook deliveries) from handlers. */
  jobs: JobQueue;
  workerId: string;
}

export type JobHandler<T> = (payload: T, job: Job<unknown>, services: WorkerServices) => Promise<void>;

/** Starts pg-boss for consuming: it wakes on NOTIFY and runs maintenance and schedules. */
export async function startWorkerBoss(databaseUrl: string, logger: Logger, env: Env): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: PGBOSS_SCHEMA,
    max: 5,
    useListenNotify: true,
    monitorIntervalSeconds: env.JOB_MONITOR_INTERVAL_SECONDS,
    superviseIntervalSeconds: env.JOB_MONITOR_INTERVAL_SECONDS,
  });
  // An 'error' with no listener would crash the process.
  boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
  boss.on('warning', (warning) => logger.warn({ warning }, 'pg-boss warning'));
  await boss.start();
  return boss;
}

/**
 * Creates every declared queue (idempotent); only workers do this. Queues with a heartbeat take
 * the configured one, so operators (and tests) can tune how fast a dead worker's job returns.
 */
export async function ensureQueues(boss: PgBoss, env: Env): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  for (const job of ALL_JOBS) {
    const options = {
      ...job.queue,
      ...(job.queue.heartbeatSeconds ? { heartbeatSeconds: env.JOB_HEARTBEAT_SECONDS } : {}),
      notify: true,
    };
    if (!existing.has(job.name)) await boss.createQueue(job.name, options);
    else if (job.queue.heartbeatSeconds) await boss.updateQueue(job.name, { heartbeatSeconds: env.JOB_HEARTBEAT_SECONDS });
  }
}

/** Binds a handler to a job definition; the payload is re-parsed here, never trusted. */
export async function implementJob<T>(
  services: WorkerServices,
  definition: JobDefinition<T>,
  handler: JobHandler<T>,
  options: { localConcurrency?: number } = {},
): Promise<void> {
  await services.boss.work(
    definition.name,
    // NOTIFY wakes workers for new jobs; retries (delayed by backoff) are found by polling, so
    // the backstop poll stays short enough for a retry to go out close to when it is due.
    { localConcurrency: options.localConcurrency ?? 1, batchSize: 1, notifyPollingIntervalSeconds: 2 },
    async (jobs) => {
      for (const job of jobs) {
        const payload = definition.payload.parse(job.data);
        services.logger.debug({ job: definition.name, id: job.id }, 'job started');
        await handler(payload, job as Job<unknown>, services);
      }
    },
  );
}
