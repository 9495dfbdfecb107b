import { describe, expect, it } from 'vitest';
import { useMailgunEnv } from '../support/mailgun-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { mailgunTruth } from '../../emulators/mailgun/generator.js';
import { generateMailgunAccount } from '../../emulators/mailgun/generator.js';
import { startMailgunEmulator } from '../../emulators/mailgun/server.js';
import { MailgunConnector } from '../../src/sources/mailgun/mailgun-connector.js';
import { graphql, payloadOf } from '../support/test-api.js';
import { eventually } from '../support/test-worker.js';
import { MigrateTemplatesDocument, MigrationDocument } from '../../src/graphql/generated/operations.js';

// Three lists over 400 people (many on two or three lists, some in another letter case), vars of
// four types, five templates per domain (two domains sharing names), every suppression kind.
const env = useMailgunEnv({ seed: 31, domains: 2, lists: 3, contacts: 400, templates: 5, suppressions: 15 });

/** A value as a custom field of that type stores it. */
function stored(value: unknown, type: string): unknown {
  if (type === 'date') return new Date(String(value)).toISOString();
  return value;
}

describe('a Mailgun migration', () => {
  it('is listed by GET /v1/migrate/sources', async () => {
    const { key } = await createOrgWithKey(env.db);
    const res = await restClient(env.api.url, key).get('/v1/migrate/sources');
    const mailgun = (res.body.data as { id: string; credential_field: { name: string } }[]).find((s) => s.id === 'mailgun');
    expect(mailgun?.credential_field.name).toBe('credential');
  });

  it('brings every kind exactly as the account has it, and a re-run writes nothing', { timeout: 240_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const account = env.mailgun.account;
    const truth = mailgunTruth(account);
    const { id, scan, result } = await env.migrate(key);

    expect(scan.contacts).toMatchObject({ total: truth.contactEmails.length, invalid: truth.invalidEmails.length });
    expect(scan.audiences.map((a: { id: string }) => a.id).sort()).toEqual(account.lists.map((l) => l.address).sort());
    expect(scan.errors.map((e: { resource: string }) => e.resource)).toContain('allowlist');

    const rows = await env.snapshot(org.id);
    expect(rows.contacts.map((c) => c.email)).toEqual(truth.contactEmails);
    // Unsubscribed from a list is that audience's, never the contact's own.
    expect(rows.contacts.filter((c) => c.unsubscribed)).toEqual([]);
    expect(Object.fromEntries(rows.members.map((m) => [m.source_id, m.emails]))).toEqual(truth.listMembers);
    expect(Object.fromEntries(rows.members.map((m) => [m.source_id, m.unsubscribed]))).toEqual(truth.listUnsubscribed);
    // Names: the first word, then the rest.
    const member = Object.values(account.members).flat().find((m) => m.name.includes(' ') && m.address === m.address.toLowerCase())!;
    expect(rows.contacts.find((c) => c.email === member.address)).toMatchObject({ first_name: member.name.split(' ')[0], last_name: member.name.split(' ').slice(1).join(' ') });

    // Vars as custom fields, typed by their values, with every contact's values.
    expect(rows.fields).toEqual(Object.entries(truth.fieldTypes).map(([name, field_type]) => ({ name, field_type })).sort((a, b) => a.name.localeCompare(b.name)));
    for (const c of rows.contacts) {
      const expected = Object.fromEntries(Object.entries(truth.vars[c.email] ?? {}).map(([k, v]) => [k, stored(v, truth.fieldTypes[k]!)]));
      expect(c.custom_fields, c.email).toEqual(expected);
    }

    // Templates of both domains by their active version; a name both use carries its domain.
    expect(Object.fromEntries(rows.templates.map((t) => [t.name, { subject: t.subject, html: t.html }]))).toEqual(truth.templates);
    expect(rows.templates.some((t) => t.name.includes(' ('))).toBe(true);
    expect(rows.domains).toEqual(account.domains.map((d) => ({ name: d.name, region: 'us', records: 4 })).sort((a, b) => a.name.localeCompare(b.name)));

    // Unsubscribes tagged * and every bounce and complaint: account-wide; other tags: a group each.
    expect([...new Set(rows.global.map((s) => s.email))]).toEqual(truth.globalSuppressed);
    expect(Object.fromEntries(rows.groups.map((g) => [g.name, g.emails ?? []]))).toEqual(truth.tagGroups);

    // The invalid addresses are row problems, not contacts.
    const imported = result.imported as Record<string, number>;
    expect(imported.contacts).toBe(truth.contactEmails.length);
    const problems = await env.db.query<{ source_id: string }>(`select source_id from import_problems where kind = 'contact' and job_id = $1`, [id]);
    expect(problems.map((p) => p.source_id).sort()).toEqual(truth.invalidEmails.map((e) => e.trim().toLowerCase()).sort());

    // Again, into the same organization: nothing new, nothing changed.
    const again = await env.migrate(key);
    const second = again.result.imported as Record<string, number>;
    for (const counter of ['contacts', 'audiences', 'custom_fields', 'templates', 'domains', 'suppression_groups']) expect(second[counter] ?? 0, counter).toBe(0);
    expect(await env.snapshot(org.id)).toEqual(rows);
  });

  it('refuses a Domain Sending Key and an unknown key at start, saying why', async () => {
    const { key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const sending = await client.post('/v1/migrate', { source: 'mailgun', credential: env.sendingKey });
    expect(sending.status).toBe(401);
    expect(sending.body.error).toMatchObject({ code: 'invalid_mailgun_credential' });
    expect(sending.body.error.message).toMatch(/Domain Sending Key.*private API key/);
    const unknown = await client.post('/v1/migrate', { source: 'mailgun', credential: 'key-0000000000000000000000000000dead' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_mailgun_credential' });
  });

  it('finds an EU account’s region from its key', async () => {
    const eu = await startMailgunEmulator({ account: generateMailgunAccount({ seed: 4, region: 'eu', contacts: 10, lists: 1, domains: 1, templates: 1, suppressions: 1 }) });
    try {
      const apiKey = eu.account.apiKeys.find((k) => k.kind === 'private')!.token;
      const connector = new MailgunConnector({ baseUrl: eu.url, euBaseUrl: eu.euUrl, apiKey });
      expect((await connector.client()).region).toBe('eu');
      const domains = [];
      for await (const d of connector.domains()) domains.push(d);
      const [domain] = domains;
      expect(domain).toMatchObject({ name: eu.account.domains[0]!.name, region: 'eu' });
    } finally {
      await eu.close();
    }
  });

  it('migrates chosen templates at once by <domain>/<name>, and overwrites only when asked', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const [domain] = env.mailgun.account.domains;
    const template = env.mailgun.account.byDomain[domain!.name]!.templates[0]!;
    const run = async (overwriteExisting: boolean) => {
      const res = await graphql(env.api.url, key, MigrateTemplatesDocument, { source: 'mailgun', credential: env.credential, templateIds: [`${domain!.name}/${template.name}`], overwriteExisting });
      const id = payloadOf(res.data!.migrateTemplates).migration.id;
      const done = await eventually(() => graphql(env.api.url, key, MigrationDocument, { id }), (r) => r.data?.migration.status === 'completed');
      return done.data!.migration.importResult!.templates!.map((t) => t.action);
    };
    expect(await run(false)).toEqual(['created']);
    const active = template.versions.find((v) => v.active)!;
    active.template = `${active.template}<p>edited at Mailgun</p>`;
    expect(await run(false)).toEqual(['skipped']);
    expect(await run(true)).toEqual(['updated']);
    const rows = await env.db.query<{ html: string }>('select html from templates where organization_id = $1', [org.id]);
    expect(rows.map((r) => r.html)).toEqual([active.template]);
  });
});
