import { parseArgs } from 'node:util';
import { env } from '../config/env.js';
import { resolveDatabase } from '../db/database.js';
import { initOrm } from '../db/orm.js';
import { migrateWithLock } from '../db/migrate.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../modules/api-keys/api-key.entity.js';
import {
  createApiKey,
  createOrganization,
  findOrganizationByName,
  listApiKeys,
  revokeApiKey,
} from '../modules/api-keys/api-key.service.js';
import { Organization } from '../modules/organizations/organization.entity.js';
import { AppError } from '../errors/app-error.js';

const USAGE = `Usage:
  npm run keys -- create --org NAME [--scope read_only|full_access] [--name LABEL]
      Creates the organization if it does not exist; prints the key once.
  npm run keys -- list [--org NAME]
  npm run keys -- revoke KEY_ID`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      scope: { type: 'string', default: 'full_access' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }

  const config = env();
  const db = await resolveDatabase(config);
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
  try {
    await migrateWithLock(orm, db.url);
    const em = orm.em.fork();
    switch (command) {
      case 'create': {
        if (!values.org) throw new AppError('validation_error', '--org NAME is required');
        if (!API_KEY_SCOPES.includes(values.scope as ApiKeyScope)) {
          throw new AppError('validation_error', `--scope must be one of ${API_KEY_SCOPES.join(', ')}`);
        }
        const org = (await findOrganizationByName(em, values.org)) ?? (await createOrganization(em, values.org));
        const { apiKey, plaintext } = await createApiKey(em, {
          organizationId: org.id,
          scope: values.scope as ApiKeyScope,
          name: values.name ?? null,
        });
        process.stdout.write(
          `Created ${apiKey.scope} key ${apiKey.id} for "${org.name}" (${org.id}).\n` +
            `The key is shown only this once:\n\n  ${plaintext}\n\n`,
        );
        return 0;
      }
      case 'list': {
        const org = values.org ? await findOrganizationByName(em, values.org) : null;
        if (values.org && !org) throw new AppError('not_found', `organization "${values.org}" not found`);
        const keys = await listApiKeys(em, org?.id);
        const orgs = new Map((await em.find(Organization, {})).map((o) => [o.id, o.name]));
        for (const k of keys) {
          process.stdout.write(
            [k.id, k.prefix + '…', k.scope, orgs.get(k.organizationId), k.name ?? '-',
              k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'].join('\t') + '\n',
          );
        }
        if (!keys.length) process.stdout.write('No API keys.\n');
        return 0;
      }
      case 'revoke': {
        const id = rest[0];
        if (!id) throw new AppError('validation_error', 'revoke needs the key id (see `list`)');
        const key = await revokeApiKey(em, id);
        process.stdout.write(`Revoked ${key.id}.\n`);
        return 0;
      }
      default:
        process.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await orm.close();
    await db.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
