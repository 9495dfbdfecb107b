import os from 'node:os';
import { env } from './config/env.js';
import { createLogger } from './logger.js';
import { initOrm } from './db/orm.js';
import { migrateWithLock } from './db/migrate.js';
import { systemPingJob } from './jobs/job-definitions.js';
import { startServer } from './server.js';
import { newId } from './db/ids.js';
import { onShutdownSignal } from './process/shutdown.js';
import { createAppServices } from './app-services.js';

/** The API process: GraphQL over HTTP and WebSocket, the REST shim, health endpoints. */
async function main() {
  const config = env();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  if (!config.DATABASE_URL) {
    logger.fatal('DATABASE_URL is required for `npm run api`; `npm start` provides an embedded database');
    process.exit(78);
  }
  if (!config.MIGRATE_KEK && !config.MIGRATE_KEK_ARN) {
    logger.fatal('Set MIGRATE_KEK (base64 32-byte key) or MIGRATE_KEK_ARN to seal source credentials; `npm start` generates a local key');
    process.exit(78);
  }
  const orm = await initOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  await migrateWithLock(orm, config.DATABASE_URL);
  const services = await createAppServices({ ...config, DATABASE_URL: config.DATABASE_URL }, orm, logger);
  const { jobs } = services;
  const server = await startServer(services);
  logger.info({ url: `${server.url}/graphql` }, 'API listening');

  // Announce ourselves to the workers: a real round trip that readiness reports.
  jobs
    .send(systemPingJob, { pingId: newId('ping'), sentBy: `api@${os.hostname()}:${process.pid}` })
    .catch((err) => logger.warn({ err: err.message }, 'no worker queue yet; ping not sent'));

  onShutdownSignal(logger, async () => {
    await server.close();
    await services.close();
    await orm.close();
  });
}

main().catch((err) => {
  process.stderr.write(`API failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
