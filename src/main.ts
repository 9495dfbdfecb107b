import path from 'node:path';
import { env, publicBaseUrl } from './config/env.js';
import { superviseServiceProcesses } from './process/supervisor.js';
import { createLogger } from './logger.js';
import { resolveDatabase } from './db/database.js';
import { initOrm } from './db/orm.js';
import { migrateWithLock } from './db/migrate.js';
import { bootstrapFirstTenant } from './modules/organizations/bootstrap.js';
import { loadOrCreateLocalKek } from './config/local-secrets.js';

/**
 * `npm start`: the database (embedded when DATABASE_URL is unset), migrations, a first key on a
 * new database, then one API and one worker process, stopped together on Ctrl-C / SIGTERM.
 */
async function main() {
  const config = env();
  const logger = createLogger(config.LOG_LEVEL, 'start');
  const db = await resolveDatabase(config, (m) => logger.debug({ postgres: m }));
  if (db.embedded) logger.info({ dataDir: path.resolve(config.DATA_DIR) }, 'embedded PostgreSQL running');

  const orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
  const applied = await migrateWithLock(orm, db.url);
  if (applied.length) logger.info({ applied }, 'schema migrations applied');
  const first = await bootstrapFirstTenant(orm.em.fork());
  await orm.close();

  const overrides: Record<string, string> = { DATABASE_URL: db.url };
  if (!config.MIGRATE_KEK && !config.MIGRATE_KEK_ARN) {
    overrides.MIGRATE_KEK = await loadOrCreateLocalKek(config.DATA_DIR);
  }

  superviseServiceProcesses(overrides, logger, () => db.stop());

  if (first) {
    const base = publicBaseUrl(config);
    process.stdout.write(
      [
        '',
        `Created "${first.organizationName}" and its first full_access API key (shown only once):`,
        '',
        `  ${first.key}`,
        '',
        'Try it:',
        `  curl -s ${base}/graphql -H 'Authorization: Bearer ${first.key}' \\`,
        `    -H 'Content-Type: application/json' -d '{"query":"{ viewer { organization { id name } scope } }"}'`,
        '',
      ].join('\n'),
    );
  }

}

main().catch((err) => {
  process.stderr.write(`Start failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
