import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { createOrgWithKey } from '../support/factories.js';

let db: TestDatabase;
let api: TestApi;
let key: string;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db, { MAX_BODY_BYTES: '4096', GRAPHQL_MAX_DEPTH: '2' });
  ({ key } = await createOrgWithKey(db, 'read_only'));
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}

describe('bad requests get a clear 4xx, never a stack trace', () => {
  it('malformed JSON → 400', async () => {
    const res = await post('{"query": "{ viewer { scope }');
    expect(res.status).toBe(400);
    expect(res.json.errors[0].message).toMatch(/invalid JSON/i);
    expect(res.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('oversized body → 413 payload_too_large', async () => {
    const res = await post(JSON.stringify({ query: `{ viewer { scope } } #${'x'.repeat(8000)}` }));
    expect(res.status).toBe(413);
    expect(res.json).toEqual({
      error: { code: 'payload_too_large', message: expect.stringContaining('4096'), request_id: expect.any(String) },
    });
  });

  it('query past the depth limit → 400 with a message naming the limit', async () => {
    expect((await post(JSON.stringify({ query: '{ viewer { scope } }' }))).status).toBe(200);
    const tooDeep = '{ viewer { organization { id } } }';
    const res = await post(JSON.stringify({ query: tooDeep }));
    expect(res.status).toBe(400);
    expect(res.json.errors[0].message).toMatch(/depth/i);
  });

  it('unknown field → 400 validation failure', async () => {
    const res = await post(JSON.stringify({ query: '{ nope }' }));
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('unknown route → 404 with the error body', async () => {
    const res = await fetch(`${api.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String), request_id: expect.any(String) } });
  });
});

describe('health', () => {
  it('/healthz answers without touching the database', async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz checks the database and answers 503 while no worker is alive', async () => {
    const idle = await fetch(`${api.url}/readyz`);
    expect(idle.status).toBe(503);
    expect(await idle.json()).toMatchObject({ status: 'unavailable', database: 'ok', workersAlive: 0 });
    await db.query(`insert into worker_heartbeats (worker_id, hostname, pid, started_at, last_seen_at) values ('wrk_gone', 'h', 1, now(), now() - interval '5 minutes'), ('wrk_alive', 'h', 2, now(), now())`);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', workersAlive: 1 });
    await db.query("delete from worker_heartbeats where worker_id in ('wrk_gone', 'wrk_alive')");
  });
});
