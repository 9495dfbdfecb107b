import { describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { postGraphQLText } from '../support/test-api.js';
import { collect, wsClient } from '../support/ws-client.js';

const env = useMigrationEnv({
  account: { seed: 7, age: 'new', contacts: 5, lists: 1 },
  worker: false,
  settings: { NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test', MAX_BODY_BYTES: '65536' },
});

const gql = (key: string | null, query: string, variables?: unknown) => postGraphQLText(env.api.url, key, query, variables);

/** A job of the organization waiting for approval, with a scan of one domain and one audience. */
async function readyJob(organizationId: string): Promise<string> {
  const id = `mig_ready${Math.random().toString(36).slice(2, 10)}`;
  await env.db.query(
    `insert into migration_jobs (id, organization_id, source, status, scan_result)
     values ($1, $2, 'resend', 'ready_for_review', $3)`,
    [id, organizationId, JSON.stringify({ domains: [{ name: 'x.example' }], audiences: [{ id: 'aud_1', name: 'A', contact_count: 1 }], errors: [] })],
  );
  return id;
}

describe('NUL bytes and empty cursors are input errors, never a 500', () => {
  it('answers 422 validation_error for NUL in REST ids and cursors', async () => {
    const { key } = await createOrgWithKey(env.db, 'full_access');
    const client = restClient(env.api.url, key);
    for (const [method, path] of [
      ['GET', '/v1/migrate/%00'],
      ['GET', '/v1/migrate/mig_%00x'],
      ['GET', '/v1/migrate?cursor=%00'],
      ['POST', '/v1/migrate/%00/approve'],
      ['POST', '/v1/migrate/%00/cancel'],
      ['POST', '/v1/migrate/%00/retry'],
    ] as const) {
      const res = method === 'GET' ? await client.get(path) : await client.post(path);
      expect(res.status, `${method} ${path}`).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'validation_error', message: expect.stringMatching(/NUL/) });
    }
  });

  it('answers validation_error for NUL in GraphQL string arguments, as variables and as literals', async () => {
    const { key } = await createOrgWithKey(env.db, 'full_access');
    const operations = [
      ['query($id: ID!) { migration(id: $id) { id } }', { id: 'mig_\u0000' }],
      ['query($a: String) { migrations(after: $a) { pageInfo { hasNextPage } } }', { a: '\u0000' }],
      ['query($a: String) { contacts(after: $a) { totalCount } }', { a: 'x\u0000' }],
      ['mutation($n: String) { createApiKey(input: { scope: read_only, name: $n }) { __typename } }', { n: 'a\u0000b' }],
      ['mutation($u: String!) { createWebhookEndpoint(input: { url: $u, events: [] }) { __typename } }', { u: 'https://example.com/\u0000' }],
      ['{ migration(id: "mig_\\u0000") { id } }', undefined],
    ] as const;
    for (const [query, variables] of operations) {
      const res = await gql(key, query, variables);
      expect(res.status, query).toBe(400);
      expect(JSON.parse(res.text).errors[0].extensions.code, query).toBe('validation_error');
    }
    const keys = await env.db.query("select 1 from api_keys where name like 'a%b'");
    expect(keys).toEqual([]);
  });

  it('answers validation_error for a lone UTF-16 surrogate, over HTTP and graphql-ws (found by the fuzz suite)', async () => {
    const { key } = await createOrgWithKey(env.db, 'read_only');
    const http = await gql(key, 'query($id: ID!) { migration(id: $id) { id } }', { id: '#\ud800x' });
    expect(JSON.parse(http.text).errors[0]).toMatchObject({ extensions: { code: 'validation_error' }, message: expect.stringMatching(/surrogate/) });
    const client = wsClient(env.api.url, key);
    const outcome = await collect(client, 'subscription($id: ID!) { migrationProgress(id: $id) { id } }', { id: '#\udc00' }).catch((e: unknown) => e);
    expect(JSON.stringify(outcome)).toMatch(/validation_error/);
    await client.dispose();
  });

  it('treats an empty contacts cursor as a bad cursor', async () => {
    const { key } = await createOrgWithKey(env.db, 'read_only');
    const res = await gql(key, '{ contacts(after: "") { totalCount } }');
    expect(JSON.parse(res.text).errors[0].extensions.code).toBe('validation_error');
  });
});

describe('malformed transport input', () => {
  it('answers a deeply nested JSON body with 422 on REST and 400 on GraphQL', async () => {
    const { key } = await createOrgWithKey(env.db, 'full_access');
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const rest = await restClient(env.api.url, key).postRaw('/v1/migrate', `{"source":"resend","credential":${deep}}`);
    expect(rest.status).toBe(422);
    expect(rest.body.error.code).toBe('validation_error');
    const res = await fetch(`${env.api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: `{"query":"query($c: ID!) { migration(id: $c) { id } }","variables":{"c":${deep}}}`,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('validation_error');
  });

  it('answers GET /graphql with malformed variables or extensions with 400', async () => {
    const { key } = await createOrgWithKey(env.db, 'read_only');
    for (const param of ['variables={', 'extensions=[1', 'variables=%00']) {
      const res = await fetch(`${env.api.url}/graphql?query=${encodeURIComponent('{ viewer { scope } }')}&${param}`, {
        headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
      });
      expect(res.status, param).toBe(400);
      expect((await res.json()).errors[0].message).toMatch(/JSON/);
    }
  });

  it('keeps a graphql-ws socket and its other subscriptions alive across a bad operation', async () => {
    const { org, key } = await createOrgWithKey(env.db, 'read_only');
    const jobId = await readyJob(org.id);
    const events: string[] = [];
    const client = createClient({
      url: `${env.api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: key },
      retryAttempts: 0,
      on: { closed: (e) => events.push(`closed ${(e as { code: number }).code}`) },
    });
    const progress: string[] = [];
    const subscribed = new Promise<void>((resolve) => {
      client.subscribe<{ migrationProgress: { status: string } }>(
        { query: `subscription { migrationProgress(id: "${jobId}") { status } }` },
        { next: (r) => (progress.push(r.data!.migrationProgress.status), resolve()), error: () => {}, complete: () => {} },
      );
    });
    await subscribed;
    for (const query of ['{ viewer { scope ', '{ nope }', `{ ${'viewer { organization { '.repeat(6)}id${' } }'.repeat(6)} }`, '{ migration(id: "\\u0000") { id } }']) {
      const outcome = await collect(client, query).catch((errors: unknown) => errors);
      expect(JSON.stringify(outcome), query).toMatch(/message/);
    }
    expect(await collect(client, '{ viewer { scope } }')).toEqual([{ data: { viewer: { scope: 'read_only' } } }]);
    await env.db.query(`update migration_jobs set status = 'importing' where id = $1`, [jobId]);
    await expect.poll(() => progress).toEqual(['ready_for_review', 'importing']);
    expect(events).toEqual([]);
    await client.dispose();
  });

  it('closes a WebSocket whose message exceeds the body limit (1009), as HTTP answers 413', async () => {
    const { key } = await createOrgWithKey(env.db, 'read_only');
    const ws = new WebSocket(`${env.api.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: key } }));
    ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: `{ viewer { scope } } #${'x'.repeat(70_000)}` } }));
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(1009);
  });
});

describe('REST bodies are strict', () => {
  it('refuses approval options outside `options`, naming them, and leaves the job as it was', async () => {
    const { org, key } = await createOrgWithKey(env.db, 'full_access');
    const id = await readyJob(org.id);
    const res = await restClient(env.api.url, key).post(`/v1/migrate/${id}/approve`, { domains: ['x'], contacts: false });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'validation_error', message: 'body: unknown fields "domains", "contacts"' });
    const [job] = await env.db.query<{ status: string; import_options: unknown }>('select status, import_options from migration_jobs where id = $1', [id]);
    expect(job).toEqual({ status: 'ready_for_review', import_options: null });
  });

  it('refuses unknown fields in every body and at every level, and wrong types without GraphQL wording', async () => {
    const { org, key } = await createOrgWithKey(env.db, 'full_access');
    const id = await readyJob(org.id);
    const client = restClient(env.api.url, key);
    const cases: [string, unknown, RegExp][] = [
      ['/v1/migrate', { source: 'resend', credential: env.credential, extra: 1 }, /unknown field "extra"/],
      [`/v1/migrate/${id}/approve`, { options: { domains: ['x.example'], nope: true } }, /options: unknown field "nope"/],
      [`/v1/migrate/${id}/approve`, { options: { customFieldMappings: [{ fieldName: 'a', fieldType: 'string', sourceFieldName: 'a', x: 1 }] } }, /options\.customFieldMappings\.0: unknown field "x"/],
      [`/v1/migrate/${id}/approve`, { options: { domains: 'x.example' } }, /options\.domains: .*expected array/],
      [`/v1/migrate/${id}/approve`, { options: { contacts: 'yes' } }, /options\.contacts: .*expected boolean/],
      [`/v1/migrate/${id}/cancel`, { reason: 'x' }, /unknown field "reason"/],
      [`/v1/migrate/${id}/retry`, { force: true }, /unknown field "force"/],
    ];
    for (const [path, body, message] of cases) {
      const res = await client.post(path, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.message).not.toMatch(/Variable "\$|got invalid value|Did you mean/);
    }
    const [job] = await env.db.query<{ status: string }>('select status from migration_jobs where id = $1', [id]);
    expect(job!.status).toBe('ready_for_review');
  });
});
