import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, TEST_KEK, type TestApi } from '../support/test-api.js';
import { startTestWorker, eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { wsClient } from '../support/ws-client.js';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';

let db: TestDatabase;
let api: TestApi;
let resend: ResendEmulator;
const processes: ManagedProcess[] = [];
const CONTACTS_ONLY = { ignoreCustomFields: true, ignoreTopics: true };

const SUBSCRIPTION = `subscription ($id: ID!) {
  migrationProgress(id: $id) { id status phase percent etaSeconds counts { kind processed total } }
}`;

interface Progress {
  id: string;
  status: string;
  phase: string | null;
  percent: number | null;
  counts: { kind: string; processed: number; total: number | null }[];
}

beforeAll(async () => {
  db = await createTestDatabase();
  resend = await startResendEmulator({ account: generateResendAccount({ seed: 51, contacts: 600, lists: 2 }), rateLimit: 100 });
  api = await startTestApi(db, { RESEND_BASE_URL: resend.url });
  processes.push(await startTestWorker(db, { RESEND_BASE_URL: resend.url }));
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await api?.close();
  await resend?.close();
  await db?.drop();
});

/** Follows a job over graphql-ws, collecting every state until the server completes. */
function follow(baseUrl: string, key: string, id: string) {
  const client = wsClient(baseUrl, key);
  const states: Progress[] = [];
  const done = new Promise<Progress[]>((resolve, reject) => {
    client.subscribe<{ migrationProgress: Progress }>(
      { query: SUBSCRIPTION, variables: { id } },
      {
        next: (r) => (r.errors ? reject(Object.assign(new Error(r.errors[0]!.message), { result: r })) : states.push(r.data!.migrationProgress)),
        error: reject,
        complete: () => resolve(states),
      },
    );
  }).finally(() => client.dispose());
  return { states, done };
}

async function startAndScan(baseUrl: string, key: string) {
  const client = restClient(baseUrl, key);
  const credential = resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
  const started = await client.post('/v1/migrate', { source: 'resend', credential });
  return { client, id: started.body.id as string };
}

describe('migrationProgress over graphql-ws', () => {
  it('follows a migration from pending to completed and completes after the terminal state', async () => {
    const { key } = await createOrgWithKey(db);
    const { client, id } = await startAndScan(api.url, key);
    const watcher = follow(api.url, key, id);
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    resend.setRateLimit(20); // slow enough to see counters move
    await client.post(`/v1/migrate/${id}/approve`, { options: CONTACTS_ONLY });
    const states = await watcher.done;
    resend.setRateLimit(100);

    expect(states[0]?.id).toBe(id);
    const statuses = states.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
    expect(statuses[0]).toMatch(/pending|scanning/);
    expect(statuses).toEqual(expect.arrayContaining(['ready_for_review', 'importing', 'completed']));
    expect(statuses.at(-1)).toBe('completed');
    const contacts = states.filter((s) => s.status === 'importing').map((s) => s.counts.find((c) => c.kind === 'contacts')?.processed ?? 0);
    expect(Math.max(...contacts)).toBeGreaterThan(0);
    expect(states.at(-1)).toMatchObject({ status: 'completed', percent: 100, phase: 'done' });
  });

  it('yields a finished job’s state once and completes', async () => {
    const { key } = await createOrgWithKey(db);
    const { client, id } = await startAndScan(api.url, key);
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    await client.post(`/v1/migrate/${id}/cancel`);
    const states = await follow(api.url, key, id).done;
    expect(states).toHaveLength(1);
    expect(states[0]).toMatchObject({ status: 'failed' });
  });

  it('refuses another organization’s job with not_found', async () => {
    const a = await createOrgWithKey(db);
    const b = await createOrgWithKey(db);
    const { id } = await startAndScan(api.url, a.key);
    // graphql-ws reports a subscription that fails to start as an error message: a list of errors.
    const err = await follow(api.url, b.key, id).done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'not_found' }) })]);
  });

  it('reaches subscribers of two API processes from one worker, and survives a killed LISTEN connection', async () => {
    const { key } = await createOrgWithKey(db);
    const apis: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const proc = startProcess('src/api.ts', {
        DATABASE_URL: db.url, MIGRATE_KEK: TEST_KEK, PORT: String(port), RESEND_BASE_URL: resend.url, LOG_LEVEL: 'info',
      });
      processes.push(proc);
      await proc.waitFor(/API listening/);
      apis.push(`http://127.0.0.1:${port}`);
    }
    const { client, id } = await startAndScan(apis[0]!, key);
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    const watchers = apis.map((url) => follow(url, key, id));
    resend.setRateLimit(10);
    await client.post(`/v1/migrate/${id}/approve`, { options: CONTACTS_ONLY });
    await eventually(async () => watchers.every((w) => w.states.some((s) => s.status === 'importing')), Boolean);
    // Cut every progress LISTEN connection mid-import; the hubs reconnect and re-read.
    const killed = await db.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'migrate-listener' and datname = current_database()`,
    );
    expect(killed.length).toBeGreaterThanOrEqual(2);
    resend.setRateLimit(100);
    for (const states of await Promise.all(watchers.map((w) => w.done))) {
      expect(states.at(-1)?.status).toBe('completed');
    }
  });
});
