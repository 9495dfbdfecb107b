import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import pg from 'pg';
import { parseEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import type { HttpEnv } from '../../src/http/http-context.js';
import { restError } from '../../src/http/rest-errors.js';
import { idempotency } from '../../src/modules/idempotency/idempotency.middleware.js';
import { deleteExpiredIdempotencyKeys } from '../../src/modules/idempotency/idempotency.repository.js';
import { canonicalJson } from '../../src/modules/idempotency/request-hash.js';
import { handleCredentialJanitor } from '../../workers/handlers/credential-janitor.js';
import type { WorkerServices } from '../../workers/worker-runtime.js';
import { useDatabaseWithPool } from '../support/test-database.js';
import { serveApp, testAuth } from '../support/serve-app.js';
import { createOrgWithKey } from '../support/factories.js';

const database = useDatabaseWithPool();
let server: { url: string; close(): Promise<void> };
let orgA: string;
let orgB: string;
const runs: Record<string, number> = {};
let slow: { entered: Promise<void>; enter(): void; finish(): void; finished: Promise<void> };

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

beforeAll(async () => {
  orgA = (await createOrgWithKey(database.db)).org.id;
  orgB = (await createOrgWithKey(database.db)).org.id;
  const env = parseEnv({});
  const logger = createLogger('silent', 'test');
  const app = new Hono<HttpEnv>();
  app.use('*', testAuth());
  app.use('*', idempotency({ env, pool: database.pool, logger }));
  const count = (name: string) => (runs[name] = (runs[name] ?? 0) + 1);
  // Reads the body through Hono (cached), as REST routes do.
  app.post('/things', async (c) => c.json({ run: count('things'), got: await c.req.json() }, 201));
  // Reads the raw Request itself, as yoga does.
  app.post('/raw', async (c) => c.json({ run: count('raw'), got: await c.req.raw.text() }));
  app.post('/slow', async (c) => {
    count('slow');
    slow.enter();
    await slow.finished;
    return c.json({ done: true });
  });
  app.post('/throws', () => {
    count('throws');
    throw new Error('boom');
  });
  app.post('/unavailable', (c) => (count('unavailable'), restError(c, 'service_unavailable', 'try later')));
  app.post('/limited', (c) => (count('limited'), restError(c, 'rate_limited', 'slow down')));
  app.post('/invalid', (c) => (count('invalid'), restError(c, 'validation_error', 'bad input')));
  app.get('/things', (c) => c.json({ run: count('get') }));
  app.onError((_err, c) => restError(c, 'internal_error', 'Internal server error'));
  server = await serveApp(app);
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  const entered = deferred();
  const finished = deferred();
  slow = { entered: entered.promise, enter: entered.resolve, finished: finished.promise, finish: finished.resolve };
});

function post(path: string, opts: { key?: string; org?: string | null; body?: string; type?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': opts.type ?? 'application/json' };
  if (opts.key !== undefined) headers['idempotency-key'] = opts.key;
  if (opts.org !== null) headers['x-test-org'] = opts.org ?? orgA;
  return fetch(`${server.url}${path}`, { method: 'POST', headers, body: opts.body ?? '{}' });
}
const newKey = () => `idem-${randomUUID()}`;
const rowsFor = (key: string) =>
  database.db.query<{ organization_id: string; completed: boolean }>(
    'select organization_id, completed_at is not null as completed from idempotency_keys where key = $1',
    [key],
  );

describe('Idempotency-Key on POST', () => {
  it('replays the stored response byte for byte; the route ran once and saw the body', async () => {
    const key = newKey();
    const first = await post('/things', { key, body: '{"b": [1, {"y": 2, "x": 1}], "a": "é"}' });
    const firstText = await first.text();
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.parse(firstText)).toEqual({ run: expect.any(Number), got: { a: 'é', b: [1, { x: 1, y: 2 }] } });
    const runsAfterFirst = runs.things;

    // The same JSON serialised differently is the same request.
    const replay = await post('/things', { key, body: '{"a":"é","b":[1,{"x":1,"y":2}]}' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(await replay.text()).toBe(firstText);
    expect(runs.things).toBe(runsAfterFirst);
    expect(await rowsFor(key)).toEqual([{ organization_id: orgA, completed: true }]);
  });

  it('keeps the body readable for routes that read the raw Request (yoga), JSON or not', async () => {
    const key = newKey();
    const first = await post('/raw', { key, body: 'plain text, not JSON', type: 'text/plain' });
    expect(await first.json()).toMatchObject({ got: 'plain text, not JSON' });
    const replay = await post('/raw', { key, body: 'plain text, not JSON', type: 'text/plain' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await post('/raw', { key, body: 'other text', type: 'text/plain' })).status).toBe(422);
  });

  it('the same key with another body or another path → 422 validation_error', async () => {
    const key = newKey();
    expect((await post('/things', { key, body: '{"n":1}' })).status).toBe(201);
    const otherBody = await post('/things', { key, body: '{"n":2}' });
    expect(otherBody.status).toBe(422);
    expect(await otherBody.json()).toMatchObject({
      error: { code: 'validation_error', message: expect.stringContaining('different request') },
    });
    const otherPath = await post('/raw', { key, body: '{"n":1}' });
    expect(otherPath.status).toBe(422);
    expect((await otherPath.json()).error.message).toContain('different request');
  });

  it('the same key while the first request still runs → 409 idempotency_conflict', async () => {
    const key = newKey();
    const first = post('/slow', { key });
    await slow.entered;
    const second = await post('/slow', { key });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'idempotency_conflict', message: expect.any(String) } });
    slow.finish();
    expect((await first).status).toBe(200);
    const third = await post('/slow', { key });
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(runs.slow).toBe(1);
  });

  it('identical requests racing for a new key: exactly one runs', async () => {
    const key = newKey();
    const before = runs.things ?? 0;
    const responses = await Promise.all(Array.from({ length: 8 }, () => post('/things', { key, body: '{"race":1}' })));
    expect(runs.things).toBe(before + 1);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
  });

  it('a thrown error, a 5xx or a 429 releases the key: the retry runs again', async () => {
    for (const [path, status] of [['/throws', 500], ['/unavailable', 503], ['/limited', 429]] as const) {
      const key = newKey();
      const before = runs[path.slice(1)] ?? 0;
      expect((await post(path, { key })).status).toBe(status);
      expect(await rowsFor(key)).toEqual([]);
      const retry = await post(path, { key });
      expect(retry.status).toBe(status);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(runs[path.slice(1)]).toBe(before + 2);
    }
  });

  it('a 4xx the route answered is kept and replayed', async () => {
    const key = newKey();
    expect((await post('/invalid', { key })).status).toBe(422);
    const replay = await post('/invalid', { key });
    expect(replay.status).toBe(422);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(runs.invalid).toBe(1);
  });

  it('keys belong to one organization', async () => {
    const key = newKey();
    const a = await (await post('/things', { key, org: orgA, body: '{"who":"a"}' })).json();
    const b = await (await post('/things', { key, org: orgB, body: '{"who":"b"}' })).json();
    expect(b.run).toBe(a.run + 1); // B's request ran: A's key is not B's
    expect(await (await post('/things', { key, org: orgB, body: '{"who":"b"}' })).json()).toEqual(b);
    expect((await rowsFor(key)).map((r) => r.organization_id).sort()).toEqual([orgA, orgB].sort());
  });

  it('an expired key is ignored and reused; the janitor deletes expired rows', async () => {
    const key = newKey();
    expect((await post('/things', { key, body: '{"v":1}' })).status).toBe(201);
    await database.db.query(`update idempotency_keys set expires_at = now() - interval '1 second' where key = $1`, [key]);
    const reused = await post('/things', { key, body: '{"v":2}' });
    expect(reused.status).toBe(201);
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
    expect((await reused.json()).got).toEqual({ v: 2 });

    const live = newKey();
    expect((await post('/things', { key: live })).status).toBe(201);
    await database.db.query(`update idempotency_keys set expires_at = now() - interval '1 second' where key = $1`, [key]);
    expect(await deleteExpiredIdempotencyKeys(database.pool)).toBeGreaterThanOrEqual(1);
    expect(await rowsFor(key)).toEqual([]);
    expect(await rowsFor(live)).toHaveLength(1);

    // The hourly janitor job does the same.
    await post('/things', { key });
    await database.db.query(`update idempotency_keys set expires_at = now() - interval '1 second' where key = $1`, [key]);
    const services = { pool: database.pool, env: parseEnv({}), logger: createLogger('silent', 'test') };
    await handleCredentialJanitor({}, {} as never, services as unknown as WorkerServices);
    expect(await rowsFor(key)).toEqual([]);
  });

  it('a reservation whose process died mid-request is taken over after 5 minutes', async () => {
    const key = newKey();
    await database.db.query(
      `insert into idempotency_keys (organization_id, key, request_hash, method, path, created_at, expires_at)
       values ($1, $2, 'x', 'POST', '/things', now() - interval '6 minutes', now() + interval '1 day')`,
      [orgA, key],
    );
    expect((await post('/things', { key })).status).toBe(201);
    expect(await rowsFor(key)).toEqual([{ organization_id: orgA, completed: true }]);
  });

  it('an invalid key → 422 validation_error, and the route does not run', async () => {
    const before = runs.things ?? 0;
    for (const key of ['', 'x'.repeat(256), 'caf\u00e9']) {
      const res = await post('/things', { key });
      expect(res.status).toBe(422);
      expect((await res.json()).error).toMatchObject({ code: 'validation_error', message: expect.stringContaining('printable ASCII') });
    }
    expect((await post('/things', { key: `${'x'.repeat(253)} ~` })).status).toBe(201);
    expect(runs.things).toBe(before + 1);
  });

  it('without a key, without authentication, or on GET, nothing is kept', async () => {
    const key = newKey();
    expect((await post('/things')).status).toBe(201);
    expect((await post('/things', { key, org: null })).status).toBe(201);
    expect((await post('/things', { key, org: null })).headers.get('idempotent-replayed')).toBeNull();
    const get = await fetch(`${server.url}/things`, { headers: { 'idempotency-key': key, 'x-test-org': orgA } });
    expect(get.status).toBe(200);
    expect(await rowsFor(key)).toEqual([]);
  });
});

describe('when the database is unreachable', () => {
  it('answers 503 without running the request (it could otherwise run twice)', async () => {
    const down = new pg.Pool({ connectionString: 'postgres://u:p@127.0.0.1:1/none', max: 1 });
    down.on('error', () => {});
    let ran = 0;
    const app = new Hono<HttpEnv>();
    app.use('*', testAuth());
    app.use('*', idempotency({ env: parseEnv({}), pool: down, logger: createLogger('silent', 'test') }));
    app.post('/things', (c) => c.json({ ran: ++ran }));
    const res = await app.request('/things', {
      method: 'POST',
      headers: { 'idempotency-key': 'k', 'x-test-org': 'org_x' },
      body: '{}',
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('service_unavailable');
    expect(ran).toBe(0);
    await down.end();
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}');
  });
});
