import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, graphql, type TestApi } from '../support/test-api.js';
import { MigrateUnsubscribeGroupDocument, MigrationDocument } from '../../src/graphql/generated/operations.js';
import { startTestWorker, eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import type { ManagedProcess } from '../support/processes.js';
import { generateSendGridAccount, sendgridTruth } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';

let db: TestDatabase;
let api: TestApi;
let worker: ManagedProcess;
let sendgrid: SendGridEmulator;

beforeAll(async () => {
  db = await createTestDatabase();
  sendgrid = await startSendGridEmulator({
    account: generateSendGridAccount({ seed: 72, contacts: 3000, lists: 3, customFields: 1, templates: 3, groups: 3, suppressions: 10 }),
  });
  const settings = { SENDGRID_BASE_URL: sendgrid.url, SENDGRID_CDN_URL: sendgrid.cdnUrl };
  api = await startTestApi(db, settings);
  worker = await startTestWorker(db, settings);
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await sendgrid?.close();
  await db?.drop();
});

const keyNamed = (name: string) => sendgrid.account.apiKeys.find((k) => k.name === name)!.token;

async function migrate(key: string, credential: string) {
  const client = restClient(api.url, key);
  const started = await client.post('/v1/migrate', { source: 'sendgrid', credential });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const id = started.body.id as string;
  const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'pending' && r.body.status !== 'scanning', 60_000);
  expect(scanned.body.status, scanned.body.error_message).toBe('ready_for_review');
  await client.post(`/v1/migrate/${id}/approve`, {});
  const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 300_000);
  expect(done.body.status, done.body.error_message).toBe('completed');
  return { scan: scanned.body.scan_result, result: done.body.import_result };
}

async function snapshot(orgId: string) {
  const q = (sql: string) => db.query(sql, [orgId]);
  return {
    contacts: (await q('select email, first_name, last_name, custom_fields, updated_at from contacts where organization_id = $1 order by email')) as { email: string; custom_fields: unknown }[],
    members: await q(`select l.source_id, array_agg(c.email order by c.email) as emails from audience_members m
      join source_links l on l.local_id = m.audience_id and l.kind = 'audience' join contacts c on c.id = m.contact_id
      where m.organization_id = $1 group by l.source_id order by 1`),
    fields: await q('select name, field_type from custom_fields where organization_id = $1 order by name'),
    templates: (await q('select name, subject, html, needs_review, updated_at from templates where organization_id = $1 order by name')) as { name: string; subject: string; html: string }[],
    groups: await q(`select g.name, array_agg(s.email order by s.email) filter (where s.email is not null) as emails
      from suppression_groups g left join suppressions s on s.group_id = g.id where g.organization_id = $1 group by g.name order by g.name`),
    global: await q('select email, reason from suppressions where organization_id = $1 and group_id is null order by email, reason'),
  };
}

describe('SendGrid keys and targeted migrations', () => {
  it('names what a key without some scopes leaves out, and migrates the rest', { timeout: 300_000 }, async () => {
    const { org, key } = await createOrgWithKey(db);
    const { scan } = await migrate(key, keyNamed('Marketing only'));
    expect(scan.permissions.templates.allowed).toBe(false);
    expect(scan.errors.map((e: { resource: string }) => e.resource).sort()).toEqual(['groups', 'suppressions', 'templates']);
    expect(scan.errors.find((e: { resource: string }) => e.resource === 'templates').message).toMatch(/lacks templates\.read/);
    const rows = await snapshot(org.id);
    expect(rows.contacts.map((c) => c.email)).toEqual(sendgridTruth(sendgrid.account).contactEmails);
    expect(rows.templates).toEqual([]);
    expect(rows.global).toEqual([]);
  });

  it('migrates one unsubscribe group on its own, with groupExist and addEmailsInSuppression semantics', async () => {
    const { org, key } = await createOrgWithKey(db);
    const [group] = sendgrid.account.groups;
    const credential = keyNamed('Migration (read all)');
    const run = async (vars: { addEmailsInSuppression?: boolean; groupExist?: boolean }) => {
      const res = await graphql(api.url, key, MigrateUnsubscribeGroupDocument, { source: 'sendgrid', credential, groupId: String(group!.id), ...vars });
      const id = res.data!.migrateUnsubscribeGroup.id;
      const done = await eventually(() => graphql(api.url, key, MigrationDocument, { id }), (r) => r.data?.migration.status === 'completed');
      return done.data!.migration.importResult as { imported: Record<string, number>; errors: { reason: string }[] };
    };
    const members = () => db.query<{ email: string }>(
      `select s.email from suppressions s join suppression_groups g on g.id = s.group_id where g.organization_id = $1 order by 1`, [org.id]);

    const refused = await run({ groupExist: true });
    expect(refused.errors[0]?.reason).toMatch(/groupExist/);
    expect(await db.query('select * from suppression_groups where organization_id = $1', [org.id])).toEqual([]);

    await run({ addEmailsInSuppression: false });
    expect(await db.query('select name from suppression_groups where organization_id = $1', [org.id])).toEqual([{ name: group!.name }]);
    expect(await members()).toEqual([]);

    const filled = await run({ groupExist: true });
    expect(filled.imported.group_suppressions).toBe(sendgridTruth(sendgrid.account).groupSuppressed[group!.id]!.length);
    expect((await members()).map((m) => m.email)).toEqual(sendgridTruth(sendgrid.account).groupSuppressed[group!.id]);
    expect(await db.query('select count(*)::int as n from suppression_groups where organization_id = $1', [org.id])).toEqual([{ n: 1 }]);
  });

  it('rejects a bad key with invalid_sendgrid_credential', async () => {
    const { key } = await createOrgWithKey(db);
    const res = await restClient(api.url, key).post('/v1/migrate', { source: 'sendgrid', credential: 'SG.not-a-real-key-at-all' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_sendgrid_credential');
  });

  it('cross-checks each list export against the list count, and reports a disagreement', { timeout: 120_000 }, async () => {
    const { key } = await createOrgWithKey(db);
    const list = sendgrid.account.lists[0]!;
    list.contact_ids.push('ghost-contact'); // the list count now says one more than its export holds
    try {
      const { result } = await migrate(key, keyNamed('Migration (read all)'));
      const listErrors = result.errors.filter((e: { kind: string }) => e.kind === 'list');
      expect(listErrors).toEqual([
        expect.objectContaining({ reason: `the list count says ${list.contact_ids.length} contacts but the export of list ${list.id} held ${list.contact_ids.length - 1}`, count: 1 }),
      ]);
    } finally {
      list.contact_ids.pop();
    }
  });
});
