import { describe, expect, it } from 'vitest';
import { useSendGridEnv } from '../support/sendgrid-env.js';
import { graphql, payloadOf } from '../support/test-api.js';
import { MigrateUnsubscribeGroupDocument, MigrationDocument } from '../../src/graphql/generated/operations.js';
import { eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { sendgridTruth } from '../../emulators/sendgrid/generator.js';

const env = useSendGridEnv({ seed: 72, contacts: 3000, lists: 3, customFields: 1, templates: 3, groups: 3, suppressions: 10 });
const { keyNamed, migrate, snapshot } = env;

describe('SendGrid keys and targeted migrations', () => {
  it('names what a key without some scopes leaves out, and migrates the rest', { timeout: 300_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { scan } = await migrate(key, keyNamed('Marketing only'));
    expect(scan.permissions.templates.allowed).toBe(false);
    expect(scan.errors.map((e: { resource: string }) => e.resource).sort()).toEqual(['groups', 'suppressions', 'templates']);
    expect(scan.errors.find((e: { resource: string }) => e.resource === 'templates').message).toMatch(/lacks templates\.read/);
    const rows = await snapshot(org.id);
    expect(rows.contacts.map((c) => c.email)).toEqual(sendgridTruth(env.sendgrid.account).contactEmails);
    expect(rows.templates).toEqual([]);
    expect(rows.global).toEqual([]);
  });

  it('migrates one unsubscribe group on its own, with groupExist and addEmailsInSuppression semantics', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const [group] = env.sendgrid.account.groups;
    const credential = keyNamed('Migration (read all)');
    const run = async (vars: { addEmailsInSuppression?: boolean; groupExist?: boolean }) => {
      const res = await graphql(env.api.url, key, MigrateUnsubscribeGroupDocument, { source: 'sendgrid', credential, groupId: String(group!.id), ...vars });
      const id = payloadOf(res.data!.migrateUnsubscribeGroup).migration.id;
      const done = await eventually(() => graphql(env.api.url, key, MigrationDocument, { id }), (r) => r.data?.migration.status === 'completed');
      const result = done.data!.migration.importResult!;
      return { ...result, imported: Object.fromEntries(result.imported.map((c) => [c.counter, c.count])) };
    };
    const members = () => env.db.query<{ email: string }>(
      `select s.email from suppressions s join suppression_groups g on g.id = s.group_id where g.organization_id = $1 order by 1`, [org.id]);

    const refused = await run({ groupExist: true });
    expect(refused.errors[0]?.reason).toMatch(/groupExist/);
    expect(await env.db.query('select * from suppression_groups where organization_id = $1', [org.id])).toEqual([]);

    await run({ addEmailsInSuppression: false });
    expect(await env.db.query('select name from suppression_groups where organization_id = $1', [org.id])).toEqual([{ name: group!.name }]);
    expect(await members()).toEqual([]);

    const filled = await run({ groupExist: true });
    expect(filled.imported.group_suppressions).toBe(sendgridTruth(env.sendgrid.account).groupSuppressed[group!.id]!.length);
    expect((await members()).map((m) => m.email)).toEqual(sendgridTruth(env.sendgrid.account).groupSuppressed[group!.id]);
    expect(await env.db.query('select count(*)::int as n from suppression_groups where organization_id = $1', [org.id])).toEqual([{ n: 1 }]);
  });

  it('rejects a bad key with invalid_sendgrid_credential', async () => {
    const { key } = await createOrgWithKey(env.db);
    const res = await restClient(env.api.url, key).post('/v1/migrate', { source: 'sendgrid', credential: 'SG.not-a-real-key-at-all' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_sendgrid_credential');
  });

  it('cross-checks each list export against the list count, and reports a disagreement', { timeout: 120_000 }, async () => {
    const { key } = await createOrgWithKey(env.db);
    const list = env.sendgrid.account.lists[0]!;
    list.contact_ids.push('ghost-contact'); // the list count now says one more than its export holds
    try {
      const { result } = await migrate(key, keyNamed('Migration (read all)'));
      const listErrors = result.errors.filter((e: { kind: string }) => e.kind === 'audience');
      expect(listErrors).toEqual([
        expect.objectContaining({ reason: `the list count says ${list.contact_ids.length} contacts but the export of list ${list.id} held ${list.contact_ids.length - 1}`, count: 1 }),
      ]);
    } finally {
      list.contact_ids.pop();
    }
  });

  it('resumes a cut export download after the rows already read, and lands every contact once', { timeout: 120_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const cuts = env.sendgrid.faults.inject({ kind: 'cut', path: /^\/exports\//, times: 2 });
    await migrate(key, keyNamed('Migration (read all)'));
    expect(cuts.fired).toBe(2);
    const emails = await env.db.query<{ email: string }>('select email from contacts where organization_id = $1 order by email', [org.id]);
    expect(emails.map((e) => e.email)).toEqual(sendgridTruth(env.sendgrid.account).contactEmails);
  });
});
