import path from 'node:path';
import { env } from '../src/config/env.js';
import { createLogger } from '../src/logger.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { initOrm } from '../src/db/orm.js';
import { migrateWithLock } from '../src/db/migrate.js';
import { loadOrCreateLocalKek } from '../src/config/local-secrets.js';
import { createApiKey, createOrganization, findOrganizationByName } from '../src/modules/api-keys/api-key.service.js';
import { superviseServiceProcesses } from '../src/process/supervisor.js';
import { generateResendAccount } from '../emulators/resend/generator.js';
import { startResendEmulator } from '../emulators/resend/server.js';

/**
 * `npm run demo`: the whole service on its own embedded database, plus a local Resend API holding
 * a sample account, so the documented flow can be tried without any provider account.
 */
async function main() {
  const config = env();
  const logger = createLogger(config.LOG_LEVEL, 'demo');
  const account = generateResendAccount({ seed: 2026, age: 'mixed', contacts: 150, lists: 4, domains: 2 });
  const resend = await startResendEmulator({ account, rateLimit: 10, port: config.DEMO_RESEND_PORT });

  const dataDir = path.join(config.DATA_DIR, 'demo');
  const db = await startEmbeddedPostgres({ dataDir, port: config.DEMO_PG_PORT });
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
  await migrateWithLock(orm, db.url);
  const em = orm.em.fork();
  const org = (await findOrganizationByName(em, 'Demo')) ?? (await createOrganization(em, 'Demo'));
  const { plaintext: key } = await createApiKey(em, { organizationId: org.id, scope: 'full_access', name: 'demo' });
  await orm.close();

  superviseServiceProcesses(
    { DATABASE_URL: db.url, MIGRATE_KEK: await loadOrCreateLocalKek(dataDir), RESEND_BASE_URL: resend.url },
    logger,
    async () => {
      await resend.close();
      await db.stop();
    },
  );

  const api = `http://127.0.0.1:${config.PORT}`;
  const full = account.apiKeys.find((k) => k.permission === 'full_access')!.token;
  const sending = account.apiKeys.find((k) => k.permission === 'sending_access')!.token;
  process.stdout.write(
    [
      '',
      `Demo running. API: ${api}   Local Resend API: ${resend.url} (sample account, 10 requests/s)`,
      '',
      `  export SENDRY_API_KEY=${key}`,
      `  export RESEND_CREDENTIAL=${full}      # a Full access key of the sample account`,
      `  # ${sending} is a Sending access key: try it to see the credential rejected`,
      '',
      'Then follow "Try the whole flow" in the README. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`Demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
