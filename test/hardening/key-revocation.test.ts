import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { addKey, createOrgWithKey } from '../support/factories.js';
import { collect } from '../support/ws-client.js';

let db: TestDatabase;
let apiA: TestApi;
let apiB: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  // Two API processes' worth of servers on one database: a revocation on one reaches the other.
  apiA = await startTestApi(db);
  apiB = await startTestApi(db);
});
afterAll(async () => {
  await apiA?.close();
  await apiB?.close();
  await db?.drop();
});

/** A graphql-ws client that reports how its socket closed. */
function trackedClient(url: string, key: string) {
  let resolveClosed: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
  const client: Client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    // Connect on first use and keep the socket open between operations, as a dashboard does.
    lazy: true,
    lazyCloseTimeout: 60_000,
    on: { closed: (event) => resolveClosed(event as { code: number; reason: string }) },
  });
  return { client, closed };
}

async function revokeOverHttp(url: string, key: string, id: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: 'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename } }', variables: { id } }),
  });
  expect(res.status).toBe(200);
}

describe('a revoked key outlives nothing', () => {
  it('closes the key’s open sockets on every API process within a second, ending their subscriptions', async () => {
    const { org, key: adminKey } = await createOrgWithKey(db, 'full_access');
    const { apiKey, key } = await addKey(db, org.id, 'full_access');
    const onA = trackedClient(apiA.url, key);
    const onB = trackedClient(apiB.url, key);
    expect(await collect(onA.client, '{ viewer { scope } }')).toEqual([{ data: { viewer: { scope: 'full_access' } } }]);
    expect(await collect(onB.client, '{ viewer { scope } }')).toEqual([{ data: { viewer: { scope: 'full_access' } } }]);
    const [job] = await db.query<{ id: string }>(
      `insert into migration_jobs (id, organization_id, source, status) values ('mig_revoketest', $1, 'resend', 'importing') returning id`,
      [org.id],
    );
    const subscription = collect(onB.client, `subscription { migrationProgress(id: "${job!.id}") { status } }`).catch(
      (err: unknown) => err,
    );

    const revokedAt = Date.now();
    await revokeOverHttp(apiA.url, adminKey, apiKey.id);
    const [closedA, closedB] = await Promise.all([onA.closed, onB.closed]);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    expect(closedA.code).toBe(4403);
    expect(closedB.code).toBe(4403);
    expect(await subscription).toMatchObject({ code: 4403 });
    await onA.client.dispose();
    await onB.client.dispose();
  });

  it('refuses every operation of a revoked key even when the revocation was never announced', async () => {
    const { org } = await createOrgWithKey(db, 'full_access');
    const { apiKey, key } = await addKey(db, org.id, 'full_access');
    const socket = trackedClient(apiA.url, key);
    expect(await collect(socket.client, '{ viewer { scope } }')).toHaveLength(1);
    // Revoked behind the service's back: no NOTIFY reaches the API, only its per-operation check.
    await db.query('alter table api_keys disable trigger api_keys_revoked');
    try {
      await db.query('update api_keys set revoked_at = now() where id = $1', [apiKey.id]);
    } finally {
      await db.query('alter table api_keys enable trigger api_keys_revoked');
    }
    const attempt = collect<{ data?: { createApiKey: { secret: string } } }>(
      socket.client,
      'mutation { createApiKey(input: { scope: full_access }) { ... on CreateApiKeyPayload { secret } } }',
    ).catch((err: unknown) => err);
    const outcome = await attempt;
    // Either the error result or the socket's closing, never a key.
    expect(JSON.stringify(outcome)).not.toMatch(/mk_/);
    expect((await socket.closed).code).toBe(4403);
    const keys = await db.query('select id from api_keys where organization_id = $1', [org.id]);
    expect(keys).toHaveLength(2);
    await socket.client.dispose();
  });

  it('ends a subscription over server-sent events when its key is revoked', async () => {
    const { org, key: adminKey } = await createOrgWithKey(db, 'full_access');
    const { apiKey, key } = await addKey(db, org.id, 'read_only');
    await db.query(`insert into migration_jobs (id, organization_id, source, status) values ('mig_ssetest', $1, 'resend', 'importing')`, [org.id]);
    const res = await fetch(`${apiB.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: 'subscription { migrationProgress(id: "mig_ssetest") { status } }' }),
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('importing')) text += new TextDecoder().decode((await reader.read()).value);
    await revokeOverHttp(apiA.url, adminKey, apiKey.id);
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    expect(text).toMatch(/event: complete/);
  });

  it('a new socket with a revoked key is refused with 4401', async () => {
    const { org, key: adminKey } = await createOrgWithKey(db, 'full_access');
    const { apiKey, key } = await addKey(db, org.id, 'read_only');
    await revokeOverHttp(apiB.url, adminKey, apiKey.id);
    const socket = trackedClient(apiA.url, key);
    await expect(collect(socket.client, '{ viewer { scope } }')).rejects.toMatchObject({ code: 4401 });
    expect((await socket.closed).code).toBe(4401);
    await socket.client.dispose();
  });
});
