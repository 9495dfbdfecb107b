import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, graphql, errorCode, payloadOf, type TestApi } from '../support/test-api.js';
import { createOrgWithKey, addKey } from '../support/factories.js';
import {
  ViewerDocument,
  ApiKeysDocument,
  CreateApiKeyDocument,
  RevokeApiKeyDocument,
  NodeDocument,
} from '../../src/graphql/generated/operations.js';

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

describe('authentication and scopes', () => {
  it('answers the viewer query for a valid key', async () => {
    const { org, key } = await createOrgWithKey(db, 'read_only');
    const res = await graphql(api.url, key, ViewerDocument);
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer).toEqual({ organization: { id: org.id, name: org.name }, scope: 'read_only' });
  });

  it('rejects a missing key with unauthorized', async () => {
    const res = await graphql(api.url, null, ViewerDocument);
    expect(errorCode(res)).toBe('unauthorized');
    expect(res.data ?? null).toBeNull();
  });

  it('rejects an unknown key with unauthorized', async () => {
    const res = await graphql(api.url, 'mk_thisKeyDoesNotExistAnywhere000000000000000', ViewerDocument);
    expect(errorCode(res)).toBe('unauthorized');
  });

  it('rejects a revoked key with unauthorized', async () => {
    const { org, key: admin } = await createOrgWithKey(db, 'full_access');
    const { apiKey, key } = await addKey(db, org.id, 'read_only');
    expect(errorCode(await graphql(api.url, key, ViewerDocument))).toBeUndefined();
    const revoked = await graphql(api.url, admin, RevokeApiKeyDocument, { id: apiKey.id });
    expect(payloadOf(revoked.data?.revokeApiKey).apiKey.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(errorCode(await graphql(api.url, key, ViewerDocument))).toBe('unauthorized');
  });

  it('forbids mutations to a read_only key', async () => {
    const { key } = await createOrgWithKey(db, 'read_only');
    const res = await graphql(api.url, key, CreateApiKeyDocument, { scope: 'read_only' });
    expect(errorCode(res)).toBe('forbidden');
  });

  it('creates a key whose secret works once and is stored only as a hash', async () => {
    const { key } = await createOrgWithKey(db, 'full_access');
    const res = await graphql(api.url, key, CreateApiKeyDocument, { scope: 'read_only', name: 'ci' });
    const created = payloadOf(res.data!.createApiKey);
    const secret = created.secret;
    expect(secret).toMatch(/^mk_[A-Za-z0-9_-]{43}$/);
    expect((await graphql(api.url, secret, ViewerDocument)).data?.viewer.scope).toBe('read_only');
    const rows = await db.query('select * from api_keys where id = $1', [created.apiKey.id]);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('validates arguments with a validation_error', async () => {
    const { key } = await createOrgWithKey(db, 'full_access');
    const res = await graphql(api.url, key, CreateApiKeyDocument, { scope: 'read_only', name: 'x'.repeat(101) });
    expect(errorCode(res)).toBe('validation_error');
  });
});

describe('tenant isolation', () => {
  it('never shows or touches another organization’s keys', async () => {
    const a = await createOrgWithKey(db, 'full_access');
    const b = await createOrgWithKey(db, 'full_access');
    const listed = await graphql(api.url, a.key, ApiKeysDocument);
    expect(listed.data?.apiKeys.nodes.map((k) => k.id)).toEqual([a.apiKey.id]);
    expect(listed.data?.apiKeys.totalCount).toBe(1);
    // node(id:) finds only the caller's own objects.
    expect((await graphql(api.url, a.key, NodeDocument, { id: a.apiKey.id })).data?.node).toEqual({ __typename: 'ApiKey', id: a.apiKey.id });
    expect((await graphql(api.url, a.key, NodeDocument, { id: b.apiKey.id })).data?.node).toBeNull();

    const res = await graphql(api.url, a.key, RevokeApiKeyDocument, { id: b.apiKey.id });
    expect(errorCode(res)).toBe('not_found');
    expect((await graphql(api.url, b.key, ViewerDocument)).data?.viewer.organization.id).toBe(b.org.id);
  });
});
