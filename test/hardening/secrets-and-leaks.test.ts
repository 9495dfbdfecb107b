import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { postGraphQLText } from '../support/test-api.js';
import { cleanText, redactSecret } from '../../src/errors/message-text.js';
import { describeFailure } from '../../workers/handlers/failure-message.js';
import { SourceError } from '../../src/sources/source-types.js';

const env = useMigrationEnv({
  account: { seed: 11, age: 'new', contacts: 5, lists: 1 },
  worker: false,
  settings: { NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test' },
});

const gql = (key: string | null, query: string, variables?: unknown) => postGraphQLText(env.api.url, key, query, variables);

const START = 'mutation($s: SourceProvider!, $c: String!) { startMigration(input: { source: $s, credential: $c }) { __typename ... on UserError { code message } } }';

describe('a credential is never echoed', () => {
  it('refuses a credential with CR, LF, NUL or other control characters at once, without calling the provider', async () => {
    const { key } = await createOrgWithKey(env.db, 'full_access');
    const client = restClient(env.api.url, key);
    const before = env.resend.stats.total;
    for (const bad of [`${env.credential}\r\nX-Evil: 1`, `${env.credential}\n`, `${env.credential}\u0000`, `re_\u0007${env.credential}`, `re_ ${env.credential}`, `${env.credential}é`]) {
      const res = await client.post('/v1/migrate', { source: 'resend', credential: bad });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'validation_error', message: expect.stringMatching(/printable ASCII|NUL/) });
      expect(JSON.stringify(res.body)).not.toContain(env.credential);
      const viaGraphQL = await gql(key, START, { s: 'resend', c: bad });
      expect(viaGraphQL.text).not.toContain(env.credential);
      // NUL is refused with the request (a top-level error), the rest by the service (a typed error).
      const answer = JSON.parse(viaGraphQL.text);
      expect(answer.errors?.[0]?.extensions.code ?? answer.data?.startMigration.code).toBe('validation_error');
    }
    expect(env.resend.stats.total).toBe(before);
    expect(await env.db.query('select 1 from migration_jobs')).toEqual([]);
  });

  it('refuses a credential of the wrong type without printing it, on REST and GraphQL', async () => {
    const { key } = await createOrgWithKey(env.db, 'full_access');
    const client = restClient(env.api.url, key);
    for (const credential of [[env.credential], { key: env.credential }, 12345678, true]) {
      const res = await client.post('/v1/migrate', { source: 'resend', credential });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toMatch(/^credential: /);
      expect(JSON.stringify(res.body)).not.toContain(env.credential);
      const variables = await gql(key, 'mutation($c: String!) { startMigration(input: { source: resend, credential: $c }) { __typename } }', { c: credential });
      expect(variables.text).not.toContain(env.credential);
      expect(JSON.parse(variables.text).errors[0].message).toMatch(/^Variable "\$c" got an invalid value: String cannot represent/);
    }
    const literal = await gql(key, `mutation { startMigration(input: { source: resend, credential: ["${env.credential}"] }) { __typename } }`);
    expect(literal.status).toBe(400);
    expect(literal.text).not.toContain(env.credential);
  });

  it('cleans provider texts and redacts the credential from every failure message', () => {
    const credential = 're_secretsecretsecret';
    const hostile = new SourceError('unexpected_response', `Resend said: bad key ${credential}\r\nSet-Cookie: x\u0000`);
    expect(hostile.message).toBe(`Resend said: bad key ${credential} Set-Cookie: x`);
    expect(describeFailure(hostile, credential, 'templates')).toBe(
      'Stopped in the templates phase: Resend said: bad key [credential] Set-Cookie: x; the provider answered something it should not: retry, and contact support if it persists',
    );
    expect(cleanText('x'.repeat(500))).toHaveLength(201);
    expect(redactSecret(`a ${credential} b ${credential}`, credential)).toBe('a [credential] b [credential]');
  });
});

describe('production discloses nothing to strangers', () => {
  it('gives no "Did you mean" in validation, enum and coercion errors, over GraphQL and REST', async () => {
    const { key } = await createOrgWithKey(env.db, 'full_access');
    const probes = [
      [null, '{ viewr { scope } }', undefined],
      [key, 'mutation { createApiKey(input: { scope: full_acces }) { __typename } }', undefined],
      [key, 'mutation($s: ApiKeyScope!) { createApiKey(input: { scope: $s }) { __typename } }', { s: 'full_acces' }],
      [key, 'mutation($o: ApproveMigrationInput!) { approveMigration(input: $o) { __typename } }', { o: { id: 'mig_x', domain: ['x'] } }],
    ] as const;
    for (const [k, query, variables] of probes) {
      const res = await gql(k, query, variables);
      expect(res.status, query).toBe(400);
      expect(res.text, query).not.toMatch(/Did you mean/);
    }
    const rest = await restClient(env.api.url, key).post('/v1/migrate/mig_x/approve', { options: { domain: ['x'] } });
    expect(rest.body.error.message).not.toMatch(/Did you mean|Variable "\$/);
  });

  it('answers introspection only with a key', async () => {
    const anonymous = await gql(null, '{ __schema { queryType { name } } }');
    expect(JSON.parse(anonymous.text).errors[0].extensions.code).toBe('unauthorized');
    const viaFragment = await gql(null, '{ ...F } fragment F on Query { __type(name: "Query") { name } }');
    expect(JSON.parse(viaFragment.text).errors[0].extensions.code).toBe('unauthorized');
    const { key } = await createOrgWithKey(env.db, 'read_only');
    const withKey = await gql(key, '{ __schema { queryType { name } } }');
    expect(JSON.parse(withKey.text)).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect(JSON.parse((await gql(null, '{ __typename }')).text)).toEqual({ data: { __typename: 'Query' } });
  });
});
