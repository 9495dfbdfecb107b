import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { TEST_KEK } from '../support/test-api.js';

let db: TestDatabase;
const started: ManagedProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop('SIGKILL')));
  await db?.drop();
});

describe('API and worker as separate processes', () => {
  it('the worker consumes a job the API enqueued, and both stop cleanly on SIGTERM', async () => {
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'info', NODE_ENV: 'test', MIGRATE_KEK: TEST_KEK };
    const worker = startProcess('workers/main.ts', env);
    started.push(worker);
    await worker.waitFor(/worker ready/);

    const port = await freePort();
    const api = startProcess('src/api.ts', { ...env, PORT: String(port) });
    started.push(api);
    await api.waitFor(/API listening/);

    const received = JSON.parse(await worker.waitFor(/ping received/)) as { pingId: string; from: string };
    expect(received.from).toMatch(new RegExp(`^api@.+:${api.child.pid}$`));
    const [row] = await db.query<{ last_ping_id: string }>('select last_ping_id from worker_heartbeats');
    expect(row?.last_ping_id).toBe(received.pingId);

    const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ready', database: 'ok' });
    expect(ready.workerLastSeenAt).toEqual(expect.any(String));

    expect(await api.stop('SIGTERM')).toBe(0);
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(api.output() + worker.output()).not.toMatch(/"level":(50|60)/);
    expect(await db.query('select * from worker_heartbeats')).toEqual([]);
  });

  it('refuses to boot with bad settings and lists every problem', async () => {
    const worker = startProcess('workers/main.ts', {
      DATABASE_URL: 'mysql://nope',
      WORKER_CONCURRENCY: 'many',
    });
    started.push(worker);
    expect(await worker.stop('SIGCONT')).toBe(78);
    expect(worker.output()).toContain('DATABASE_URL');
    expect(worker.output()).toContain('WORKER_CONCURRENCY');
  });
});
