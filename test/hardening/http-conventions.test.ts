import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_KEK } from '../support/test-api.js';
import { createOrgWithKey } from '../support/factories.js';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { collect, wsClient } from '../support/ws-client.js';

let db: TestDatabase;
const processes: ManagedProcess[] = [];

/** A real API process on a port it picked itself; the URL comes from its own log line. */
async function startApi(settings: Record<string, string> = {}): Promise<{ url: string; proc: ManagedProcess }> {
  const proc = startProcess('src/api.ts', {
    DATABASE_URL: db.url, MIGRATE_KEK: TEST_KEK, PORT: '0', LOG_LEVEL: 'debug', NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test', ...settings,
  });
  processes.push(proc);
  const line = await proc.waitFor(/API listening/);
  const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(line)![1]!;
  return { url, proc };
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await db?.drop();
});

describe('request ids', () => {
  it('are on every response, in every error body and on every log line of the request', async () => {
    const { url, proc } = await startApi();
    const { key } = await createOrgWithKey(db, 'read_only');
    const auth = { authorization: `Bearer ${key}` };
    const responses = await Promise.all([
      fetch(`${url}/healthz`),
      fetch(`${url}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"query":"{ viewer { scope } }"}' }),
      fetch(`${url}/v1/migrate/mig_nope`, { headers: auth }),
      fetch(`${url}/nowhere`),
    ]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^req_[\w-]{16}$/);
    expect(new Set(ids).size).toBe(4);
    const notFound = (await responses[2]!.json()) as { error: { code: string; request_id: string } };
    expect(notFound.error).toMatchObject({ code: 'not_found', request_id: ids[2] });
    await proc.waitFor(new RegExp(`"requestId":"${ids[2]}".*"msg":"request"`));

    const own = await fetch(`${url}/v1/migrate/mig_nope`, { headers: { ...auth, 'x-request-id': 'client-chosen-id_42' } });
    expect(own.headers.get('x-request-id')).toBe('client-chosen-id_42');
    expect(((await own.json()) as { error: { request_id: string } }).error.request_id).toBe('client-chosen-id_42');
    // Node refuses a request line past 16 KiB before the app sees it: still the JSON error body and an id.
    const huge = await fetch(`${url}/v1/migrate?cursor=${'x'.repeat(20_000)}`, { headers: auth });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('x-request-id')).toMatch(/^req_/);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('headers_too_large');
    const bogus = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'has spaces; and more' } });
    expect(bogus.headers.get('x-request-id')).toMatch(/^req_/);

    const gqlError = (await (
      await fetch(`${url}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'x-request-id': 'gql-1' }, body: '{"query":"{ migration(id: \\"mig_x\\") { id } }"}' })
    ).json()) as { errors: { extensions: { requestId: string } }[] };
    expect(gqlError.errors[0]!.extensions.requestId).toBe('gql-1');
  });
});

describe('methods, CORS and rate limits', () => {
  it('answers a wrong method on a known route with 405 and Allow', async () => {
    const { url } = await startApi();
    for (const [method, path, allow] of [
      ['DELETE', '/v1/migrate', 'GET, HEAD, POST'],
      ['PUT', '/v1/migrate/mig_x', 'GET, HEAD'],
      ['GET', '/v1/migrate/mig_x/approve', 'POST'],
      ['PATCH', '/graphql', 'GET, HEAD, POST'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    }
    expect((await fetch(`${url}/v1/nothing-here`, { method: 'PUT' })).status).toBe(404);
  });

  it('sends CORS headers only for the configured origins, the same for REST and GraphQL', async () => {
    const off = await startApi();
    const plain = await fetch(`${off.url}/v1/migrate/sources`, { headers: { origin: 'https://dash.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();

    const on = await startApi({ CORS_ORIGINS: 'https://dash.example, https://admin.example' });
    for (const path of ['/v1/migrate', '/graphql']) {
      const preflight = await fetch(`${on.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
      });
      expect(preflight.status, path).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://dash.example');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
      const stranger = await fetch(`${on.url}${path}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    }
    const simple = await fetch(`${on.url}/graphql`, { method: 'POST', headers: { origin: 'https://admin.example', 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    expect(simple.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/);
  });

  it('counts a key’s requests across API processes and refuses the excess with 429, Retry-After and RateLimit headers', async () => {
    const settings = { RATE_LIMIT_PER_KEY: '6', RATE_LIMIT_WINDOW_SECONDS: '600' };
    const [a, b] = await Promise.all([startApi(settings), startApi(settings)]);
    const { key } = await createOrgWithKey(db, 'read_only');
    const get = (base: string) => fetch(`${base}/v1/migrate/sources`, { headers: { authorization: `Bearer ${key}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(a!.url)).status, (await get(b!.url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const refused = await get(a!.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-policy')).toBe('6;w=600');
    expect(refused.headers.get('ratelimit')).toMatch(/^limit=6, remaining=0, reset=\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // The same key over WebSocket is counted against the same budget.
    const client = wsClient(b!.url, key);
    const [result] = await collect<{ errors?: { extensions: { code: string } }[] }>(client, '{ viewer { scope } }').catch((errors: unknown) => [{ errors }] as never);
    expect(JSON.stringify(result)).toMatch(/rate_limited/);
    await client.dispose();
  });
});
