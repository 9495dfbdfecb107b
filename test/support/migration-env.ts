import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { startTestApi, type TestApi } from './test-api.js';
import { eventually, startTestWorker } from './test-worker.js';
import { restClient } from './rest-client.js';
import type { ManagedProcess } from './processes.js';
import { generateResendAccount, type GenerateOptions } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';

export interface MigrationEnv {
  db: TestDatabase;
  api: TestApi;
  resend: ResendEmulator;
  /** Absent when the file asked for no worker. */
  worker: ManagedProcess | undefined;
  /** The sample account's Full access key. */
  credential: string;
  /**
   * Starts, scans and approves a contacts-only import as `key`'s organization, with the emulator
   * slowed to `rateLimit`, and returns once `atLeast` contacts were processed (mid-import).
   */
  importingContacts(key: string, options: { rateLimit: number; atLeast: number }): Promise<{ client: RestClient; id: string }>;
}

type RestClient = ReturnType<typeof restClient>;

const CONTACTS_ONLY = { ignoreCustomFields: true, ignoreTopics: true, ignoreTemplates: true, ignoreSuppressions: true };

/**
 * The usual setup of a migration test file: its own database, a Resend emulator holding a
 * generated account, the API in this process and (unless `worker: false`) a worker process, all
 * pointed at each other; torn down after the file. Fields are filled in before the first test.
 */
export function useMigrationEnv(options: {
  account: GenerateOptions;
  rateLimit?: number;
  worker?: boolean;
  settings?: Record<string, string>;
  /** Serve records shaped from the official spec (emulators/resend/spec-shapes.ts). */
  specShapes?: { seed: number };
}): MigrationEnv {
  const env = {} as MigrationEnv;
  beforeAll(async () => {
    env.db = await createTestDatabase();
    env.resend = await startResendEmulator({
      account: generateResendAccount(options.account),
      rateLimit: options.rateLimit ?? 100,
      specShapes: options.specShapes,
    });
    env.credential = env.resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
    const settings = { RESEND_BASE_URL: env.resend.url, ...options.settings };
    env.api = await startTestApi(env.db, settings);
    if (options.worker !== false) env.worker = await startTestWorker(env.db, settings);
  });
  env.importingContacts = async (key, { rateLimit, atLeast }) => {
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
    const id = started.body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    env.resend.setRateLimit(rateLimit);
    await client.post(`/v1/migrate/${id}/approve`, { options: CONTACTS_ONLY });
    const processed = async () =>
      (await env.db.query<{ n: number }>(`select coalesce((progress->'counts'->'contacts'->>'processed')::int, 0) as n from migration_jobs where id = $1`, [id]))[0]!.n;
    await eventually(processed, (n) => n >= atLeast, 60_000);
    return { client, id };
  };
  afterAll(async () => {
    await env.worker?.stop();
    await env.api?.close();
    await env.resend?.close();
    await env.db?.drop();
  });
  return env;
}
