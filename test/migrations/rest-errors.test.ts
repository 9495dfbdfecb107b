import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { createOrgWithKey, addKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { newId } from '../../src/db/ids.js';

let db: TestDatabase;
let api: TestApi;
let resend: ResendEmulator;
let fullKey: string;
let sendingKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  resend = await startResendEmulator({ account: generateResendAccount({ seed: 3, contacts: 20 }), rateLimit: 100 });
  fullKey = resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
  sendingKey = resend.account.apiKeys.find((k) => k.permission === 'sending_access')!.token;
  api = await startTestApi(db, { RESEND_BASE_URL: resend.url });
});
afterAll(async () => {
  await api?.close();
  await resend?.close();
  await db?.drop();
});

/** A job row in a given status, made directly: these tests are about the API's answers. */
async function jobIn(organizationId: string, status: string, extra: Record<string, unknown> = {}) {
  const id = newId('mig');
  await db.query(
    `insert into migration_jobs (id, organization_id, source, status, scan_result, failed_phase, error_message)
     values ($1, $2, 'resend', $3, $4, $5, $6)`,
    [id, organizationId, status, extra.scan ?? null, extra.failedPhase ?? null, extra.errorMessage ?? null],
  );
  return id;
}

// The contract's { code, message }, plus the request id every error body carries.
const errorBody = (code: string) => ({ error: { code, message: expect.any(String), request_id: expect.stringMatching(/^req_/) } });

describe('every error row of the documented table', () => {
  it('401 unauthorized: missing or unknown API key', async () => {
    for (const key of [null, 'mk_notAKeyAtAllnotAKeyAtAllnotAKeyAtAll00000']) {
      const res = await restClient(api.url, key).get('/v1/migrate');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorBody('unauthorized'));
    }
  });

  it('401 invalid_resend_credential: Resend rejected the credential, and no job was created', async () => {
    const { org, key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    const unknown = await client.post('/v1/migrate', { source: 'resend', credential: 're_unknown_12345' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(errorBody('invalid_resend_credential'));
    const sendingOnly = await client.post('/v1/migrate', { source: 'resend', credential: sendingKey });
    expect(sendingOnly.status).toBe(401);
    expect(sendingOnly.body.error.message).toMatch(/Full access key/);
    expect(await db.query('select id from migration_jobs where organization_id = $1', [org.id])).toEqual([]);
  });

  it('403 forbidden: a read_only key on a mutation', async () => {
    const { org } = await createOrgWithKey(db);
    const { key } = await addKey(db, org.id, 'read_only');
    const client = restClient(api.url, key);
    const id = await jobIn(org.id, 'failed');
    for (const [path, body] of [['/v1/migrate', { source: 'resend', credential: fullKey }], [`/v1/migrate/${id}/retry`, {}], [`/v1/migrate/${id}/cancel`, {}], [`/v1/migrate/${id}/approve`, {}]] as const) {
      const res = await client.post(path, body);
      expect(res.status, path).toBe(403);
      expect(res.body).toEqual(errorBody('forbidden'));
    }
    expect((await client.get(`/v1/migrate/${id}`)).status).toBe(200);
  });

  it('404 not_found: unknown job, and another organization’s job', async () => {
    const a = await createOrgWithKey(db);
    const b = await createOrgWithKey(db);
    const theirs = await jobIn(b.org.id, 'ready_for_review');
    const client = restClient(api.url, a.key);
    for (const id of ['mig_doesNotExist', theirs]) {
      for (const res of [await client.get(`/v1/migrate/${id}`), await client.post(`/v1/migrate/${id}/cancel`), await client.post(`/v1/migrate/${id}/approve`, {})]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual(errorBody('not_found'));
      }
    }
    expect((await restClient(api.url, a.key).get('/v1/migrate')).body.data).toEqual([]);
  });

  it('409 invalid_status: approve, cancel and retry in the wrong status', async () => {
    const { org, key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    const cases: [string, string][] = [
      ['pending', 'approve'], ['importing', 'approve'], ['completed', 'approve'],
      ['completed', 'cancel'], ['failed', 'cancel'],
      ['pending', 'retry'], ['completed', 'retry'], ['ready_for_review', 'retry'],
    ];
    for (const [status, action] of cases) {
      const id = await jobIn(org.id, status);
      const res = await client.post(`/v1/migrate/${id}/${action}`, {});
      expect(res.status, `${action} on ${status}`).toBe(409);
      expect(res.body).toEqual(errorBody('invalid_status'));
    }
  });

  it('422 validation_error: every malformed field, never a 500', async () => {
    const { org, key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    const bad: [string, unknown][] = [
      ['missing everything', {}],
      ['missing credential', { source: 'resend' }],
      ['missing source', { credential: fullKey }],
      ['short credential', { source: 'resend', credential: 're_1234' }],
      ['unknown source', { source: 'mailchimp', credential: fullKey }],
      ['credential not a string', { source: 'resend', credential: 12345678 }],
      ['source not a string', { source: ['resend'], credential: fullKey }],
      ['huge credential', { source: 'resend', credential: 'x'.repeat(5000) }],
    ];
    for (const [what, body] of bad) {
      const res = await client.post('/v1/migrate', body);
      expect(res.status, what).toBe(422);
      expect(res.body, what).toEqual(errorBody('validation_error'));
    }
    for (const raw of ['{"source": "resend",', '[1,2]', '"text"']) {
      const res = await client.postRaw('/v1/migrate', raw);
      expect(res.status, raw).toBe(422);
      expect(res.body).toEqual(errorBody('validation_error'));
    }
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'cursor=mig_unknown']) {
      const res = await client.get(`/v1/migrate?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body).toEqual(errorBody('validation_error'));
    }
    const scan = { domains: [{ name: 'acme.com', status: 'verified' }], audiences: [{ id: 'aud_1', name: 'N', contact_count: 1 }], errors: [] };
    const id = await jobIn(org.id, 'ready_for_review', { scan });
    for (const options of [{ domains: ['other.com'] }, { audiences: ['aud_nope'] }, { contacts: 'yes' }, { colour: 'blue' }, { domains: [42] }]) {
      const res = await client.post(`/v1/migrate/${id}/approve`, { options });
      expect(res.status, JSON.stringify(options)).toBe(422);
      expect(res.body).toEqual(errorBody('validation_error'));
    }
    const ok = await client.post(`/v1/migrate/${id}/approve`, { options: { domains: ['ACME.com'], contacts: false } });
    expect(ok.body.import_options).toEqual({
      domains: ['acme.com'], audiences: ['aud_1'], contacts: false,
      templates: [], topics: [], customFields: [], suppressions: true,
    });
  });
});
