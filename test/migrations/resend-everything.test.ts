import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { scanResultSchema } from '../../src/model/scan-result.js';
import { importResultSchema } from '../../src/model/import-result.js';
import { startTestApi, graphql, payloadOf, type TestApi } from '../support/test-api.js';
import { startTestWorker, eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import type { ManagedProcess } from '../support/processes.js';
import { generateResendAccount, resendTruth } from '../../emulators/resend/generator.js';
import { isPlausibleEmail, normalizeEmail } from '../../emulators/resend/truth.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import type { ResendAccount } from '../../emulators/resend/model.js';
import { MigrateTemplatesDocument, MigrationDocument } from '../../src/graphql/generated/operations.js';

let db: TestDatabase;
let api: TestApi;
let worker: ManagedProcess;
const emulators: Record<string, ResendEmulator> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  emulators.new = await startResendEmulator({ account: generateResendAccount({ seed: 31, age: 'new', contacts: 150, lists: 3 }), rateLimit: 100 });
  emulators.old = await startResendEmulator({ account: generateResendAccount({ seed: 32, age: 'old', contacts: 120, lists: 3 }), rateLimit: 100 });
  api = await startTestApi(db);
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await Promise.all(Object.values(emulators).map((e) => e.close()));
  await db?.drop();
});

const fullKey = (a: ResendAccount) => a.apiKeys.find((k) => k.permission === 'full_access')!.token;

let pointedAt: string | undefined;

/** Points the API and a (re)started worker at one emulated account. */
async function pointAt(em: ResendEmulator) {
  api.services.env.RESEND_BASE_URL = em.url;
  if (pointedAt === em.url) return;
  await worker?.stop();
  worker = await startTestWorker(db, { RESEND_BASE_URL: em.url });
  pointedAt = em.url;
}

async function migrate(em: ResendEmulator, key: string, options: Record<string, unknown> = {}) {
  await pointAt(em);
  const client = restClient(api.url, key);
  const started = await client.post('/v1/migrate', { source: 'resend', credential: fullKey(em.account) });
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
  const approved = await client.post(`/v1/migrate/${id}/approve`, { options });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => ['completed', 'failed'].includes(r.body.status), 90_000);
  expect(done.body.status, done.body.error_message).toBe('completed');
  // Stored in the one typed shape every source shares, nothing more and nothing less.
  const [stored] = await db.query<{ scan_result: unknown; import_result: unknown }>('select scan_result, import_result from migration_jobs where id = $1', [id]);
  expect(scanResultSchema.parse(stored!.scan_result)).toEqual(stored!.scan_result);
  expect(importResultSchema.parse(stored!.import_result)).toEqual(stored!.import_result);
  return { id, scan: scanned.body.scan_result, result: done.body.import_result };
}

async function snapshot(orgId: string) {
  const q = (sql: string) => db.query(sql, [orgId]);
  return {
    contacts: await q('select email, first_name, last_name, unsubscribed, custom_fields, updated_at from contacts where organization_id = $1 order by email'),
    fields: await q('select name, field_type from custom_fields where organization_id = $1 order by name'),
    templates: await q('select name, subject, html, needs_review, review_reasons, updated_at from templates where organization_id = $1 order by name'),
    groups: await q('select g.name, array_agg(s.email order by s.email) filter (where s.email is not null) as members from suppression_groups g left join suppressions s on s.group_id = g.id where g.organization_id = $1 group by g.name order by g.name'),
    global: await q('select email, reason from suppressions where organization_id = $1 and group_id is null order by email'),
    members: await q('select count(*)::int as n from audience_members where organization_id = $1'),
  };
}

/** Sendable here: a contact that is not unsubscribed and has no global suppression. */
async function sendable(orgId: string, email: string): Promise<boolean> {
  const rows = await db.query(
    `select 1 from contacts c where c.organization_id = $1 and c.email = $2 and not c.unsubscribed
       and not exists (select 1 from suppressions s where s.organization_id = $1 and s.email = $2 and s.group_id is null)`,
    [orgId, email],
  );
  return rows.length > 0;
}

describe('a full migration of a new Resend account', () => {
  it('brings every kind over exactly, keeps opt-outs unsendable, and a re-run changes nothing', async () => {
    const em = emulators.new!;
    const account = em.account;
    const { org, key } = await createOrgWithKey(db);
    const { result } = await migrate(em, key);
    const rows = await snapshot(org.id);

    expect(rows.contacts.map((c) => c.email)).toEqual(resendTruth(account).contactEmails);
    // Contact properties → custom fields with mapped types, and the values on the contacts.
    expect(rows.fields).toEqual(
      account.contactProperties.map((p) => ({ name: p.key, field_type: p.type })).sort((a, b) => a.name.localeCompare(b.name)),
    );
    for (const c of account.contacts.filter((x) => isPlausibleEmail(x.email))) {
      const mine = rows.contacts.find((r) => r.email === normalizeEmail(c.email))!;
      const expected = Object.fromEntries(Object.entries(c.properties).filter(([, v]) => v !== null && v !== ''));
      expect(mine.custom_fields, c.email).toEqual(expected);
    }
    // Templates: all of them, flagged exactly when they loop or branch.
    expect(rows.templates.map((t) => t.name).sort()).toEqual(account.templates.map((t) => t.name).sort());
    for (const t of account.templates) {
      const mine = rows.templates.find((r) => r.name === t.name)!;
      expect(mine.html).toBe(t.html);
      expect(mine.subject).toBe(t.subject);
      const constructs = /\{\{[#^>]/.test(`${t.subject}${t.html}${t.text ?? ''}`);
      expect(mine.needs_review, t.name).toBe(constructs || t.has_unpublished_versions);
    }
    // Topics → suppression groups holding exactly who opted out.
    for (const topic of account.topics) {
      const optedOut = account.contacts
        .filter((c) => isPlausibleEmail(c.email) && (c.topics[topic.id] ?? topic.default_subscription) === 'opt_out')
        .map((c) => normalizeEmail(c.email))
        .sort();
      const group = rows.groups.find((g) => g.name === topic.name);
      expect(group?.members ?? [], topic.name).toEqual(optedOut.length ? [...new Set(optedOut)] : []);
    }
    // Nothing suppressed or unsubscribed at the source is sendable here.
    const blocked = [
      ...account.suppressions.map((s) => s.email),
      ...account.contacts.filter((c) => c.unsubscribed).map((c) => c.email),
    ].filter(isPlausibleEmail).map(normalizeEmail);
    expect(blocked.length).toBeGreaterThan(5);
    for (const email of blocked) expect(await sendable(org.id, email), email).toBe(false);
    const reasons = new Map(rows.global.map((g) => [g.email, g.reason]));
    for (const s of account.suppressions.filter((x) => isPlausibleEmail(x.email))) {
      expect(reasons.get(normalizeEmail(s.email))).toBe({ bounce: 'bounce', complaint: 'spam_complaint', manual: 'manual' }[s.origin]);
    }
    expect(result.imported).toMatchObject({ templates: account.templates.length, custom_fields: account.contactProperties.length, suppression_groups: account.topics.length });

    await migrate(em, key);
    expect(await snapshot(org.id)).toEqual(rows);
  });

  it('brings exactly the selected subset', async () => {
    const em = emulators.new!;
    const account = em.account;
    const { org, key } = await createOrgWithKey(db);
    const list = account.lists[1]!;
    const template = account.templates[0]!;
    const topic = account.topics[0]!;
    const property = account.contactProperties[0]!;
    await migrate(em, key, {
      domains: [],
      audiences: [list.id],
      templates: [template.id],
      topics: [topic.id],
      customFieldMappings: [{ sourceFieldId: property.id, fieldName: 'renamed_field', fieldType: 'string' }],
      customFields: [],
      ignoreSuppressions: true,
    });
    const rows = await snapshot(org.id);
    expect(rows.contacts.map((c) => c.email)).toEqual(resendTruth(account).listMembers[list.id]);
    expect(rows.fields).toEqual([{ name: 'renamed_field', field_type: 'string' }]);
    expect(rows.templates.map((t) => t.name)).toEqual([template.name]);
    expect(rows.groups.map((g) => g.name)).toEqual([topic.name]);
    expect(rows.global).toEqual([]);
    expect(await db.query('select * from domains where organization_id = $1', [org.id])).toEqual([]);
    for (const c of rows.contacts) {
      const source = account.contacts.find((x) => normalizeEmail(x.email) === c.email)!;
      const value = source.properties[property.key];
      expect(c.custom_fields).toEqual(value === null || value === undefined || value === '' ? {} : { renamed_field: String(value) });
    }
  });
});

describe('a full migration of an old Resend account', () => {
  it('brings its audiences and contacts exactly; the kinds it lacks are reported, not failed', async () => {
    const em = emulators.old!;
    const { org, key } = await createOrgWithKey(db);
    const { scan, result } = await migrate(em, key);
    expect(scan.errors.map((e: { resource: string }) => e.resource).sort()).toEqual(['contact properties', 'suppressions', 'templates', 'topics']);
    const rows = await snapshot(org.id);
    expect(rows.contacts.map((c) => c.email)).toEqual(resendTruth(em.account).contactEmails);
    expect(rows.members[0]!.n).toBe(Object.values(resendTruth(em.account).listMembers).reduce((n, m) => n + m.length, 0));
    expect(result.imported.audiences).toBe(em.account.lists.length);
    expect(rows.contacts.every((c) => c.unsubscribed === false)).toBe(true); // per-audience flags stay per audience
  });
});

describe('migrateTemplates', () => {
  it('imports chosen templates at once and overwrites subject and html only when asked', async () => {
    const em = emulators.new!;
    await pointAt(em);
    const { org, key } = await createOrgWithKey(db);
    const [a, b] = em.account.templates;
    const run = async (overwriteExisting: boolean, ids = [a!.id, b!.id]) => {
      const res = await graphql(api.url, key, MigrateTemplatesDocument, { source: 'resend', credential: fullKey(em.account), templateIds: ids, overwriteExisting });
      const id = payloadOf(res.data!.migrateTemplates).migration.id;
      const done = await eventually(() => graphql(api.url, key, MigrationDocument, { id }), (r) => r.data?.migration.status === 'completed');
      return done.data!.migration.importResult!.templates!;
    };
    expect((await run(false)).map((t) => t.action)).toEqual(['created', 'created']);
    a!.html = `${a!.html}<p>edited at the source</p>`;
    expect((await run(false)).map((t) => t.action)).toEqual(['skipped', 'skipped']);
    expect((await run(true)).map((t) => t.action)).toEqual(['updated', 'unchanged']);
    const [row] = await db.query<{ html: string }>('select html from templates where organization_id = $1 and name = $2', [org.id, a!.name]);
    expect(row?.html).toContain('edited at the source');
    expect(await db.query('select count(*)::int as n from templates where organization_id = $1', [org.id])).toEqual([{ n: 2 }]);
  });
});
