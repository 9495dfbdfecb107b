import { describe, expect, it } from 'vitest';
import { eventually, startTestWorker } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { graphql, payloadOf } from '../support/test-api.js';
import { MigrateTemplatesDocument, MigrationDocument } from '../../src/graphql/generated/operations.js';
import { postmarkTruth } from '../../emulators/postmark/generator.js';
import { usePostmarkEnv } from '../support/postmark-env.js';

// Two servers sharing template names, each with a layout; broadcast and transactional streams. A worker
// that vanishes is noticed within seconds (heartbeat 10 s, monitor every second).
const env = usePostmarkEnv({
  account: { seed: 21, servers: 2, templates: 3, suppressions: 10 },
  settings: { JOB_HEARTBEAT_SECONDS: '10', JOB_MONITOR_INTERVAL_SECONDS: '1' },
});

const snapshot = async (orgId: string) => ({
  domains: await env.db.query<{ name: string; records: number }>('select name, jsonb_array_length(dns_records)::int as records from domains where organization_id = $1 order by name', [orgId]),
  templates: await env.db.query<{ name: string; subject: string | null; html: string; review_reasons: { code: string }[] }>('select name, subject, html, review_reasons from templates where organization_id = $1 order by name', [orgId]),
  global: await env.db.query<{ email: string; reason: string }>('select email, reason from suppressions where organization_id = $1 and group_id is null order by email', [orgId]),
  groups: await env.db.query<{ name: string; emails: string[] | null }>(`select g.name, array_agg(s.email order by s.email) filter (where s.email is not null) as emails
    from suppression_groups g left join suppressions s on s.group_id = g.id where g.organization_id = $1 group by g.name order by g.name`, [orgId]),
  contacts: await env.db.query('select id from contacts where organization_id = $1', [orgId]),
});

describe('a Postmark migration', () => {
  it('with an Account token brings domains, every server’s templates and layouts, and the suppressions per stream, exactly; a re-run writes nothing', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const truth = postmarkTruth(env.postmark.account);
    const { scan } = await env.migrate(key, env.postmark.account.accountToken);
    expect(scan.permissions).toMatchObject({ domains: { allowed: true } });
    expect(scan.errors[0].message).toMatch(/Account API token: it sees all 2 servers/);

    const rows = await snapshot(org.id);
    expect(rows.contacts).toEqual([]);
    expect(rows.domains.map((d) => d.name).sort()).toEqual(truth.domains);
    expect(rows.domains.find((d) => d.name === env.postmark.account.domains[0]!.Name)?.records).toBe(2);
    // Layouts, and templates rendered inside one, carry a layout finding.
    expect(Object.fromEntries(rows.templates.map((t) => [t.name, { subject: t.subject, html: t.html, layout: t.review_reasons.some((r) => r.code === 'layout') }]))).toEqual(truth.templates);
    expect(rows.templates.some((t) => t.name.includes(' ('))).toBe(true);
    expect(Object.fromEntries(rows.global.map((s) => [s.email, s.reason]))).toEqual(truth.global);
    expect(Object.fromEntries(rows.groups.map((g) => [g.name, g.emails ?? []]))).toEqual(truth.groups);

    await env.migrate(key, env.postmark.account.accountToken);
    expect(await snapshot(org.id)).toEqual(rows);
  });

  it('with a Server token reads that server only and says so', { timeout: 120_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const [server] = env.postmark.account.servers;
    const { scan } = await env.migrate(key, server!.ApiTokens[0]!);
    expect(scan.permissions, JSON.stringify(scan.permissions)).toMatchObject({ domains: { allowed: false } });
    expect(scan.errors[0].message).toMatch(new RegExp(`Server API token: it sees the server ${server!.Name} only`));
    const rows = await snapshot(org.id);
    expect(rows.domains).toEqual([]);
    expect(rows.templates).toHaveLength(server!.templates.length);
  });

  it('refuses a token Postmark does not know, with its code', async () => {
    const { key } = await createOrgWithKey(env.db);
    const res = await restClient(env.api.url, key).post('/v1/migrate', { source: 'postmark', credential: '00000000-0000-0000-0000-000000000000' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_postmark_credential');
  });

  it('migrates chosen templates at once by <server id>/<template id>', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const [server] = env.postmark.account.servers;
    const template = server!.templates[1]!;
    const res = await graphql(env.api.url, key, MigrateTemplatesDocument, { source: 'postmark', credential: env.postmark.account.accountToken, templateIds: [`${server!.ID}/${template.TemplateId}`] });
    const id = payloadOf(res.data!.migrateTemplates).migration.id;
    const done = await eventually(() => graphql(env.api.url, key, MigrationDocument, { id }), (r) => r.data?.migration.status === 'completed');
    expect(done.data!.migration.importResult!.templates!.map((t) => t.action)).toEqual(['created']);
    expect((await snapshot(org.id)).templates.map((t) => t.html)).toEqual([template.HtmlBody]);
  });

  it('a worker killed mid-import: another resumes it and every kind lands exactly once', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const truth = postmarkTruth(env.postmark.account);
    const id = (await client.post('/v1/migrate', { source: 'postmark', credential: env.postmark.account.accountToken })).body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    const templates = async () => (await env.db.query<{ n: number }>('select count(*)::int as n from templates where organization_id = $1', [org.id]))[0]!.n;
    env.postmark.setRequestsPerSecond(2); // a template a second or so: the kill falls inside the templates
    try {
      expect((await client.post(`/v1/migrate/${id}/approve`, {})).status).toBe(200);
      await eventually(templates, (n) => n > 0, 60_000);
      await env.worker.stop('SIGKILL');
      expect(await templates()).toBeLessThan(Object.keys(truth.templates).length);
    } finally {
      env.postmark.setRequestsPerSecond(100);
    }
    env.worker = await startTestWorker(env.db, env.settings);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'completed' || r.body.status === 'failed', 120_000);
    expect(done.body.status, done.body.error_message).toBe('completed');
    const rows = await snapshot(org.id);
    expect(rows.templates.map((t) => t.name).sort()).toEqual(Object.keys(truth.templates).sort());
    expect(Object.fromEntries(rows.global.map((s) => [s.email, s.reason]))).toEqual(truth.global);
    expect(Object.fromEntries(rows.groups.map((g) => [g.name, g.emails ?? []]))).toEqual(truth.groups);
    expect(rows.domains.map((d) => d.name).sort()).toEqual(truth.domains);
  });
});
