import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { startTestWorker, eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { freePort } from '../support/ports.js';
import type { ManagedProcess } from '../support/processes.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';

let db: TestDatabase;
let api: TestApi;
let worker: ManagedProcess;
let resend: ResendEmulator;
let port: number;
const account = generateResendAccount({ seed: 21, contacts: 30 });

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
  resend = await startResendEmulator({ account, rateLimit: 100, port });
  // A short retry budget: the outage below outlasts it.
  api = await startTestApi(db, { RESEND_BASE_URL: resend.url, PROVIDER_RETRY_SECONDS: '3' });
  worker = await startTestWorker(db, { RESEND_BASE_URL: resend.url, PROVIDER_RETRY_SECONDS: '3' });
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await resend?.close();
  await db?.drop();
});

describe('a scan that cannot reach the provider', () => {
  it('fails in the scan phase with a clear message, and a retry scans again', async () => {
    const { key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    const credential = account.apiKeys.find((k) => k.permission === 'full_access')!.token;
    resend.faults.inject({ kind: 'status', status: 503, times: 1000, path: '/domains', after: 1 });
    const started = await client.post('/v1/migrate', { source: 'resend', credential });
    expect(started.status).toBe(201);
    const failed = await eventually(() => client.get(`/v1/migrate/${started.body.id}`), (r) => r.body.status === 'failed', 60_000);
    expect(failed.body.error_message).toMatch(/^Stopped in the scan phase: Resend GET \/domains failed after \d+ attempts over \d+ s \(server error 503\); the provider could not be reached/);
    expect(failed.body.scan_result).toBeNull();
    const [row] = await db.query<{ failed_phase: string }>('select failed_phase from migration_jobs where id = $1', [started.body.id]);
    expect(row?.failed_phase).toBe('scan');

    resend.faults.clear();
    const retried = await client.post(`/v1/migrate/${started.body.id}/retry`);
    // The worker may have taken the new run already by the time the answer is read.
    expect(retried.body).toMatchObject({ status: expect.stringMatching(/^(pending|scanning)$/), error_message: null });
    const ready = await eventually(() => client.get(`/v1/migrate/${started.body.id}`), (r) => r.body.status === 'ready_for_review');
    expect(ready.body.scan_result.domains).toHaveLength(account.domains.length);
  });
});
