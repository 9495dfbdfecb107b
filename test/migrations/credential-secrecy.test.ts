import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestWorker, eventually } from '../support/test-worker.js';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { freePort } from '../support/ports.js';
import { TEST_KEK } from '../support/test-api.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';

let db: TestDatabase;
let resend: ResendEmulator;
const processes: ManagedProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  resend = await startResendEmulator({ account: generateResendAccount({ seed: 5, contacts: 50 }), rateLimit: 100 });
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await resend?.close();
  await db?.drop();
});

describe('the source credential', () => {
  it('appears in no log line, no API response and no database row in clear text', async () => {
    const credential = resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
    const settings = { RESEND_BASE_URL: resend.url, LOG_LEVEL: 'trace' };
    const worker = await startTestWorker(db, settings);
    const port = await freePort();
    const api = startProcess('src/api.ts', {
      DATABASE_URL: db.url, MIGRATE_KEK: TEST_KEK, PORT: String(port), NODE_ENV: 'test', ...settings,
    });
    processes.push(worker, api);
    await api.waitFor(/API listening/);

    const { key } = await createOrgWithKey(db);
    const client = restClient(`http://127.0.0.1:${port}`, key);
    const responses: unknown[] = [];
    const started = await client.post('/v1/migrate', { source: 'resend', credential });
    responses.push(started.body);
    // A failing one too: error paths must not echo it either.
    responses.push((await client.post('/v1/migrate', { source: 'resend', credential: `${credential}x` })).body);
    const id = started.body.id as string;

    // While sealed (before the import wipes it), the row holds only ciphertext.
    const [sealedRow] = await db.query<{ sealed_credential: Record<string, string> }>('select sealed_credential from migration_jobs where id = $1', [id]);
    expect(sealedRow?.sealed_credential).toMatchObject({ alg: 'AES-256-GCM', kek: 'local' });
    const base64 = Buffer.from(credential).toString('base64');
    expect(JSON.stringify(sealedRow)).not.toContain(credential);
    expect(JSON.stringify(sealedRow)).not.toContain(base64);

    responses.push((await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review')).body);
    responses.push((await client.post(`/v1/migrate/${id}/approve`, {})).body);
    responses.push((await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'completed')).body);
    responses.push((await client.get('/v1/migrate')).body);

    const tables = await db.query<{ schemaname: string; tablename: string }>(
      `select schemaname, tablename from pg_tables where schemaname in ('public', 'pgboss')`);
    let dump = '';
    for (const t of tables) {
      dump += JSON.stringify(await db.query(`select * from "${t.schemaname}"."${t.tablename}"`));
    }
    await api.stop();
    await worker.stop();

    for (const [where, text] of [
      ['API responses', JSON.stringify(responses)],
      ['API logs', api.output()],
      ['worker logs', worker.output()],
      ['database', dump],
    ] as const) {
      expect(text.length, where).toBeGreaterThan(100);
      expect(text.includes(credential), `credential found in ${where}`).toBe(false);
      expect(text.includes(base64), `base64 credential found in ${where}`).toBe(false);
    }
    expect(api.output()).toMatch(/"level":20.*"path":"\/v1\/migrate"/); // verbose logging really was on
  });
});
