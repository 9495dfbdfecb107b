import { PgBoss, type SendOptions } from 'pg-boss';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logger.js';
import type { JobDefinition } from './job-definitions.js';

export const PGBOSS_SCHEMA = 'pgboss';

/** Sends jobs from any process; queues themselves are created by the workers. */
export class JobQueue {
  constructor(readonly boss: PgBoss) {}

  static async connect(databaseUrl: string, logger: Logger): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: databaseUrl,
      schema: PGBOSS_SCHEMA,
      max: 3,
      supervise: false,
      schedule: false,
    });
    boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
    await boss.start();
    return new JobQueue(boss);
  }

  /** Validates the payload and enqueues it; a missing queue means no worker ever started. */
  async send<T>(job: JobDefinition<T>, payload: T, options: SendOptions = {}): Promise<string | null> {
    const data = job.payload.parse(payload) as object;
    try {
      return await this.boss.send(job.name, data, options);
    } catch (err) {
      if ((err as { code?: string }).code === 'PGBOSS_QUEUE_NOT_FOUND') {
        throw new AppError(
          'service_unavailable',
          `No worker has created the ${job.name} queue yet; start a worker (npm run worker) and try again`,
        );
      }
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, timeout: 5000 });
  }
}
