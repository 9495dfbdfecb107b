import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as graphql from 'graphql';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { createOrgWithKey } from '../support/factories.js';
import { collect, wsClient } from '../support/ws-client.js';
import { parseWithinLimits } from '../../src/graphql/document-limits.js';

let db: TestDatabase;
let api: TestApi;
let key: string;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db, { NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test' });
  ({ key } = await createOrgWithKey(db, 'read_only'));
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

async function post(query: string, withKey = false) {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(withKey ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] } };
}

const LIMITS = { maxTokens: 2000, maxFields: 500, maxAliases: 30, maxDirectives: 50, maxDepth: 10 };

describe('parse-time limits refuse a costly document before validation', () => {
  it('refuses the 30 kB `{ viewer { scope … ×5000 } }` without a key, with a 400 naming the limit', async () => {
    const query = `{ viewer { ${'scope '.repeat(5000)}} }`;
    expect(query.length).toBeGreaterThan(30_000);
    const res = await post(query);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]).toMatchObject({ message: 'The document has more than 2000 tokens', extensions: { code: 'bad_request' } });
  });

  it('refuses fields, aliases, directives and depth past their limits within the token budget', async () => {
    const cases: [string, RegExp][] = [
      [`{ viewer { ${Array.from({ length: 600 }, () => 'scope').join(' ')} } }`, /more than 500 fields/],
      [`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: viewer { scope }`).join(' ')} }`, /more than 30 aliases/],
      [`{ viewer { ${Array.from({ length: 51 }, () => 'scope @include(if: true)').join(' ')} } }`, /more than 50 directives/],
      [`{ ${'viewer { organization { '.repeat(6)}id${' } }'.repeat(6)} }`, /depth is 13; the limit is 10/],
      [`{ migrations(after: ${'['.repeat(40)}"x"${']'.repeat(40)}) { totalCount } }`, /nested more than 16 levels/],
    ];
    for (const [query, message] of cases) {
      const res = await post(query, true);
      expect(res.status, query.slice(0, 60)).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(message);
    }
  });

  it('refuses a document over the cost limit with a 400 that says what it cost and what to do', async () => {
    const query = `{ contacts(first: 50) { nodes { id email firstName lastName createdAt
      memberships(first: 5) { totalCount nodes { createdAt audience { id name contactCount createdAt } } }
      suppressions { reason global email group { id name description } } } } }`;
    const res = await post(query, true);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'bad_request' } });
    expect(res.body.errors![0]!.message).toMatch(/^The query costs \d+, over the limit of 5000 \(each field counts, more when nested, times the page size a literal first: asks for\): ask for fewer fields, smaller pages or less nesting$/);
  });

  it('depth counts through fragments, and a fragment cycle is left to validation', async () => {
    const deep = `query { ...A } fragment A on Query { viewer { organization { ...B } } } fragment B on Organization { ${'id '.repeat(1)} }`;
    expect(() => parseWithinLimits(deep, undefined, { ...LIMITS, maxDepth: 2 })).toThrow(/depth is 3/);
    const cycle = 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }';
    expect(() => parseWithinLimits(cycle, undefined, LIMITS)).not.toThrow();
    expect((await post(cycle, true)).status).toBe(400);
  });

  it('applies the same limits over graphql-ws and keeps the socket for the next operation', async () => {
    const client = wsClient(api.url, key);
    const [refused] = await collect<{ errors?: { message: string }[] }>(client, `{ viewer { ${'scope '.repeat(5000)}} }`).catch(
      (errors: unknown) => [{ errors: errors as { message: string }[] }],
    );
    expect(refused?.errors?.[0]?.message).toMatch(/more than 2000 tokens/);
    expect(await collect(client, '{ viewer { scope } }')).toEqual([{ data: { viewer: { scope: 'read_only' } } }]);
    await client.dispose();
  });

  it('lets the usual documents through, introspection included', async () => {
    const introspection = graphql.getIntrospectionQuery();
    expect(() => parseWithinLimits(introspection, undefined, LIMITS)).not.toThrow();
    expect((await post(introspection, true)).status).toBe(200);
  });
});
