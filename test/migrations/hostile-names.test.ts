import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';

const env = useMigrationEnv({ account: { seed: 7, contacts: 5, lists: 1, domains: 3, templates: 2, topics: 0, suppressions: 0, properties: 2 } });

describe('names of any length, as the specs type them', () => {
  it('a domain or property name no domain or field can have is a row problem; the rest arrives, once', { timeout: 120_000 }, async () => {
    // Specs type a domain's name as any string: one of 5,000 random characters does not fit the unique index (it failed the job).
    const [long, spaced, fine] = env.resend.account.domains;
    long!.name = `${randomBytes(2_500).toString('hex')}.example.com`;
    spaced!.name = 'not a domain.example.com';
    const [property] = env.resend.account.contactProperties;
    property!.key = randomBytes(2_500).toString('hex');
    const { org, key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
    const id = started.body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review', 60_000);
    expect((await client.post(`/v1/migrate/${id}/approve`, {})).status).toBe(200);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 60_000);
    expect(done.body.status, done.body.error_message).toBe('completed');
    expect(await env.db.query('select name from domains where organization_id = $1', [org.id])).toEqual([{ name: fine!.name }]);
    const problems = await env.db.query<{ reason: string }>(`select reason from import_problems where job_id = $1 and kind = 'domain' order by reason`, [id]);
    expect(problems.map((p) => p.reason)).toEqual(['the domain name contains spaces or control characters', 'the domain name is 5012 characters long (a domain name has at most 253)']);
    const [contacts] = await env.db.query<{ n: number }>('select count(*)::int as n from contacts where organization_id = $1', [org.id]);
    expect(contacts!.n).toBeGreaterThan(0);
    const fieldProblems = await env.db.query<{ reason: string }>(`select reason from import_problems where job_id = $1 and kind = 'custom_field'`, [id]);
    expect(fieldProblems).toEqual([{ reason: "the property's name is 5000 characters long (at most 200 here)" }]);
    expect(await env.db.query('select name from custom_fields where organization_id = $1', [org.id])).toEqual([{ name: env.resend.account.contactProperties[1]!.key }]);

    // Again: nothing is made twice, and nothing fails.
    const again = (await client.post('/v1/migrate', { source: 'resend', credential: env.credential })).body.id as string;
    await eventually(() => client.get(`/v1/migrate/${again}`), (r) => r.body.status === 'ready_for_review', 60_000);
    await client.post(`/v1/migrate/${again}/approve`, {});
    const rerun = await eventually(() => client.get(`/v1/migrate/${again}`), (r) => r.body.status !== 'importing', 60_000);
    expect(rerun.body.status, rerun.body.error_message).toBe('completed');
    expect(rerun.body.import_result.imported.domains ?? 0).toBe(0);
    expect(await env.db.query('select count(*)::int as n from domains where organization_id = $1', [org.id])).toEqual([{ n: 1 }]);
  });

  it('a template whose detail cannot be read is one row problem, with the reason it could not be read', { timeout: 120_000 }, async () => {
    const { key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
    const id = started.body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review', 60_000);
    // After the scan, its detail answers with an id that is an object: a record that cannot be read.
    const template = env.resend.account.templates[0]!;
    const sourceId = template.id;
    template.id = { not: "an id" } as unknown as string;
    try {
      expect((await client.post(`/v1/migrate/${id}/approve`, {})).status).toBe(200);
      const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 60_000);
      expect(done.body.status, done.body.error_message).toBe('completed');
    } finally {
      template.id = sourceId;
    }
    const problems = await env.db.query<{ source_id: string; reason: string }>(`select source_id, reason from import_problems where job_id = $1 and kind = 'template'`, [id]);
    expect(problems).toEqual([{ source_id: sourceId, reason: expect.stringMatching(/^unreadable record \(id: /) }]);
  });
});
