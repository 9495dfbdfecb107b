import os from 'node:os';
import { env } from '../src/config/env.js';
import { createLogger } from '../src/logger.js';
import { initOrm } from '../src/db/orm.js';
import { migrateWithLock } from '../src/db/migrate.js';
import { newId } from '../src/db/ids.js';
import { onShutdownSignal } from '../src/process/shutdown.js';
import pg from 'pg';
import { isDatabaseUnavailable } from '../src/db/connection-errors.js';
import {
  credentialJanitorJob,
  migrationImportJob,
  migrationReconcileJob,
  migrationScanJob,
  systemPingJob,
  webhookDeliveryJob,
} from '../src/jobs/job-definitions.js';
import { handleWebhookDelivery } from './handlers/webhook-delivery.js';
import { createCredentialSealer } from '../src/modules/credentials/credential-sealer.js';
import { JobQueue } from '../src/jobs/job-queue.js';
import { handleMigrationScan } from './handlers/migration-scan.js';
import { handleMigrationImport } from './handlers/migration-import.js';
import { handleCredentialJanitor } from './handlers/credential-janitor.js';
import { handleMigrationReconcile } from './handlers/migration-reconcile.js';
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
  if (!config.MIGRATE_KEK && !config.MIGRATE_KEK_ARN) {
    logger.fatal('Set MIGRATE_KEK or MIGRATE_KEK_ARN: workers unseal source credentials with it');
    process.exit(78);
  }
  const orm = await initOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  await migrateWithLock(orm, config.DATABASE_URL);
  const boss = await startWorkerBoss(config.DATABASE_URL, logger, config);
  await ensureQueues(boss, config);

  const workerId = newId('wrk');
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.WORKER_CONCURRENCY * 2 + 2,
    // Named, so operators (and the chaos tests) can tell the import connections apart.
    application_name: 'migrate-worker',
  });
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle database connection failed'));
  // A checked-out client's error has no listener of pg's own: without this one it would crash the process.
  pool.on('connect', (client) => client.on('error', (err) => logger.warn({ err: err.message }, 'database connection failed')));
  const sealer = createCredentialSealer(config);
  const services: WorkerServices = { env: config, orm, pool, boss, logger, sealer, jobs: new JobQueue(boss), workerId };
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
  await implementJob(services, migrationScanJob, handleMigrationScan, { localConcurrency: config.WORKER_CONCURRENCY });
  await implementJob(services, migrationImportJob, handleMigrationImport, { localConcurrency: config.WORKER_CONCURRENCY });
  await implementJob(services, credentialJanitorJob, handleCredentialJanitor);
  await implementJob(services, webhookDeliveryJob, handleWebhookDelivery, { localConcurrency: 4 });
  await implementJob(services, migrationReconcileJob, handleMigrationReconcile);
  await boss.schedule(credentialJanitorJob.name, '17 * * * *', {});
  await boss.schedule(migrationReconcileJob.name, '* * * * *', {});
  logger.info({ workerId, concurrency: config.WORKER_CONCURRENCY }, 'worker ready');

  // A crash must say why in the logs; pg-boss redelivers the job to another worker.
  // A lost database connection is survivable (work is given back and resumed); anything else is not.
  process.on('uncaughtException', (err) => {
    if (isDatabaseUnavailable(err)) return void logger.warn({ err: err.message }, 'database connection lost; going on');
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    if (isDatabaseUnavailable(err)) return void logger.warn({ err: (err as Error).message }, 'database connection lost; going on');
    logger.fatal({ err }, 'unhandled rejection; exiting');
    process.exit(1);
  });

  onShutdownSignal(logger, async () => {
    clearInterval(heartbeat);
    // Let running jobs finish their current batch; pg-boss retries anything cut off.
    await boss.stop({ graceful: true, timeout: 20_000 });
    await connection.execute('delete from worker_heartbeats where worker_id = ?', [workerId]);
    await pool.end();
    await orm.close();
  });
}

main().catch((err) => {
  process.stderr.write(`Worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
