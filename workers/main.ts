import os from 'node:os';
import { env } from '../src/config/env.js';
import { createLogger } from '../src/logger.js';
import { initOrm } from '../src/db/orm.js';
import { migrateWithLock } from '../src/db/migrate.js';
import { newId } from '../src/db/ids.js';
import { onShutdownSignal } from '../src/process/shutdown.js';
import { systemPingJob } from '../src/jobs/job-definitions.js';
import { ensureQueues, implementJob, startWorkerBoss, type WorkerServices } from './worker-runtime.js';
import { handleSystemPing } from './handlers/system-ping.js';

const HEARTBEAT_MS = 15_000;

/** The worker process: creates the queues, runs the job handlers, shuts down gracefully. */
async function main() {
  const config = env();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  if (!config.DATABASE_URL) {
    logger.fatal('DATABASE_URL is required for `npm run worker`; `npm start` provides an embedded database');
    process.exit(78);
  }
  const orm = await initOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  await migrateWithLock(orm, config.DATABASE_URL);
  const boss = await startWorkerBoss(config.DATABASE_URL, logger);
  await ensureQueues(boss);

  const workerId = newId('wrk');
  const services: WorkerServices = { env: config, orm, boss, logger, workerId };
  const connection = orm.em.fork().getConnection();
  await connection.execute(
    `insert into worker_heartbeats (worker_id, hostname, pid, started_at, last_seen_at)
     values (?, ?, ?, now(), now())`,
    [workerId, os.hostname(), process.pid],
  );
  const heartbeat = setInterval(() => {
    connection
      .execute('update worker_heartbeats set last_seen_at = now() where worker_id = ?', [workerId])
      .catch((err) => logger.warn({ err }, 'heartbeat failed'));
  }, HEARTBEAT_MS);

  await implementJob(services, systemPingJob, handleSystemPing);
  logger.info({ workerId, concurrency: config.WORKER_CONCURRENCY }, 'worker ready');

  onShutdownSignal(logger, async () => {
    clearInterval(heartbeat);
    // Let running jobs finish their current batch; pg-boss retries anything cut off.
    await boss.stop({ graceful: true, timeout: 20_000 });
    await connection.execute('delete from worker_heartbeats where worker_id = ?', [workerId]);
    await orm.close();
  });
}

main().catch((err) => {
  process.stderr.write(`Worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
