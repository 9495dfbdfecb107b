import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { createOrgWithKey } from '../support/factories.js';
import { collect, wsClient } from '../support/ws-client.js';

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db);
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('graphql-ws on /graphql', () => {
  it('authenticates from connection_init and runs operations as that organization', async () => {
    const { org, key } = await createOrgWithKey(db, 'read_only');
    const client = wsClient(api.url, key);
    const results = await collect<{ data: { viewer: { organization: { id: string }; scope: string } } }>(
      client,
      '{ viewer { organization { id } scope } }',
    );
    expect(results).toEqual([{ data: { viewer: { organization: { id: org.id }, scope: 'read_only' } } }]);
    await client.dispose();
  });

  it('closes with 4401 for a missing or unknown key', async () => {
    for (const key of [null, 'mk_unknownunknownunknownunknownunknownunknown0']) {
      const client = wsClient(api.url, key);
      const err = await collect(client, '{ viewer { scope } }').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 4401 });
      await client.dispose();
    }
  });

  it('applies the scope rules to WebSocket operations too', async () => {
    const { key } = await createOrgWithKey(db, 'read_only');
    const client = wsClient(api.url, key);
    const [result] = await collect<{ errors: { extensions: { code: string } }[] }>(
      client,
      'mutation { createApiKey(input: { scope: read_only }) { __typename } }',
    );
    expect(result?.errors[0]?.extensions.code).toBe('forbidden');
    await client.dispose();
  });
});
