import os from 'node:os';
import { env } from './config/env.js';
import { createLogger } from './logger.js';
import { initOrm } from './db/orm.js';
import { migrateWithLock } from './db/migrate.js';
import { JobQueue } from './jobs/job-queue.js';
import { systemPingJob } from './jobs/job-definitions.js';
import { startServer } from './server.js';
import { newId } from './db/ids.js';
import { onShutdownSignal } from './process/shutdown.js';

/** The API process: GraphQL over HTTP and WebSocket, the REST shim, health endpoints. */
async function main() {
  const config = env();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  if (!config.DATABASE_URL) {
    logger.fatal('DATABASE_URL is required for `npm run api`; `npm start` provides an embedded database');
    process.exit(78);
  }
  const orm = await initOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  await migrateWithLock(orm, config.DATABASE_URL);
  const jobs = await JobQueue.connect(config.DATABASE_URL, logger);
  const services = { env: config, orm, jobs, logger };
  const server = await startServer(services);
  logger.info({ url: `${server.url}/graphql` }, 'API listening');

  // Announce ourselves to the workers: a real round trip that readiness reports.
  jobs
    .send(systemPingJob, { pingId: newId('ping'), sentBy: `api@${os.hostname()}:${process.pid}` })
    .catch((err) => logger.warn({ err: err.message }, 'no worker queue yet; ping not sent'));

  onShutdownSignal(logger, async () => {
    await server.close();
    await jobs.stop();
    await orm.close();
  });
}

main().catch((err) => {
  process.stderr.write(`API failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
