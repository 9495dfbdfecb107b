import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { startTestApi, type TestApi } from './test-api.js';
import { startTestWorker } from './test-worker.js';
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
}

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
  afterAll(async () => {
    await env.worker?.stop();
    await env.api?.close();
    await env.resend?.close();
    await env.db?.drop();
  });
  return env;
}
