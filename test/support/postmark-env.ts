import { afterAll, beforeAll, expect } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { startTestApi, type TestApi } from './test-api.js';
import { eventually, startTestWorker } from './test-worker.js';
import { restClient } from './rest-client.js';
import type { ManagedProcess } from './processes.js';
import { generatePostmarkAccount, type PostmarkGenerateOptions } from '../../emulators/postmark/generator.js';
import { startPostmarkEmulator, type PostmarkEmulator } from '../../emulators/postmark/server.js';

/** An entry of the REST import result's skipped or errors lists. */
export type ResultEntry = { kind: string; reason: string; count: number; examples: string[] };

export interface PostmarkEnv {
  db: TestDatabase;
  api: TestApi;
  /** Replaced by a test that kills it and starts another (with `settings`). */
  worker: ManagedProcess;
  postmark: PostmarkEmulator;
  /** What the API and worker were started with. */
  settings: Record<string, string>;
  /** A whole migration through /v1/migrate with `credential`, approved with defaults; the job must complete. */
  migrate(key: string, credential: string): Promise<{ id: string; scan: any; result: { imported: Record<string, number>; skipped: ResultEntry[]; errors: ResultEntry[] } }>;
}

/**
 * Database, Postmark emulator, API and worker for one test file, pointed at each other; with
 * `specShapes`, the emulator serves the account in spec-shapes mode.
 */
export function usePostmarkEnv(options: { account: PostmarkGenerateOptions; specShapes?: { seed: number }; settings?: Record<string, string> }): PostmarkEnv {
  const env = {} as PostmarkEnv;
  beforeAll(async () => {
    env.db = await createTestDatabase();
    env.postmark = await startPostmarkEmulator({ account: generatePostmarkAccount(options.account), specShapes: options.specShapes });
    env.settings = { POSTMARK_BASE_URL: env.postmark.url, ...options.settings };
    env.api = await startTestApi(env.db, env.settings);
    env.worker = await startTestWorker(env.db, env.settings);
  });
  afterAll(async () => {
    await env.worker?.stop();
    await env.api?.close();
    await env.postmark?.close();
    await env.db?.drop();
  });
  env.migrate = async (key, credential) => {
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'postmark', credential });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'pending' && r.body.status !== 'scanning', 60_000);
    expect(scanned.body.status, scanned.body.error_message).toBe('ready_for_review');
    expect((await client.post(`/v1/migrate/${id}/approve`, {})).status).toBe(200);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 120_000);
    expect(done.body.status, done.body.error_message).toBe('completed');
    return { id, scan: scanned.body.scan_result, result: done.body.import_result };
  };
  return env;
}
