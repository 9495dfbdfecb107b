import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';
import { resendContactsExport } from '../../emulators/resend/dashboard-exports.js';
import { scannedJob, sendUpload } from './upload-client.js';

const env = useMigrationEnv({
  account: { seed: 23, contacts: 150, lists: 3, templates: 0, topics: 0, suppressions: 0, properties: 4 },
});

const PROPERTY_READ = 'GET /contacts/{id}';

/** Runs the job to completion, with an optional upload between scan and approval. */
async function migrate(key: string, csv: string | null, options: { query?: Record<string, string>; approve?: object } = {}) {
  const client = restClient(env.api.url, key);
  const id = await scannedJob(env.api.url, key, 'resend', env.credential);
  if (csv !== null) {
    const sent = await sendUpload(env.api.url, key, `/v1/migrate/${id}/uploads`, csv, { query: options.query });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  }
  const readsBefore = env.resend.stats.byRoute[PROPERTY_READ] ?? 0;
  const approved = await client.post(`/v1/migrate/${id}/approve`, options.approve ?? {});
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 120_000);
  expect(done.body.status).toBe('completed');
  return { id, job: done.body, propertyReads: (env.resend.stats.byRoute[PROPERTY_READ] ?? 0) - readsBefore };
}

/** What an organization's contacts hold, comparable across organizations. */
async function contactsOf(organizationId: string) {
  return env.db.query<{ email: string; first_name: string | null; last_name: string | null; unsubscribed: boolean; custom_fields: unknown }>(
    `select email, first_name, last_name, unsubscribed, custom_fields from contacts where organization_id = $1 order by email`,
    [organizationId],
  );
}

describe('a Resend migration with an uploaded contacts export', () => {
  it('imports the same rows as the API path, without one per-contact property request', { timeout: 240_000 }, async () => {
    const api = await createOrgWithKey(env.db);
    const viaApi = await migrate(api.key, null);
    expect(viaApi.propertyReads).toBeGreaterThan(100);

    const uploaded = await createOrgWithKey(env.db);
    const viaUpload = await migrate(uploaded.key, resendContactsExport(env.resend.account));
    expect(viaUpload.propertyReads).toBe(0);

    const expected = await contactsOf(api.org.id);
    expect(expected.some((c) => Object.keys(c.custom_fields as object).length > 0)).toBe(true);
    expect(await contactsOf(uploaded.org.id)).toEqual(expected);
    expect(viaUpload.job.import_result.imported).toEqual(viaApi.job.import_result.imported);
    // The upload is customer data: gone with the completed job.
    expect(await env.db.query('select count(*)::int as n from migration_uploads where job_id = $1', [viaUpload.id])).toEqual([{ n: 0 }]);
    expect(await env.db.query('select count(*)::int as n from upload_rows r join migration_uploads u on u.id = r.upload_id where u.job_id = $1', [viaUpload.id])).toEqual([{ n: 0 }]);
  });

  it('reports conflicts as row problems: a contact the account lacks is not imported, one the export lacks is read from Resend', { timeout: 240_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const missing = env.resend.account.contacts.find((c) => Object.keys(c.properties).length > 0 && /^[^A-Z]+$/.test(c.email))!;
    const csv = resendContactsExport(env.resend.account, { omit: new Set([missing.email]), extra: [{ email: 'stranger@example.com' }] });
    const run = await migrate(key, csv);
    expect(run.propertyReads).toBe(1);
    const problems = await env.db.query<{ kind: string; source_id: string; reason: string }>('select kind, source_id, reason from import_problems where job_id = $1', [run.id]);
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'contact', source_id: 'stranger@example.com', reason: expect.stringMatching(/in the uploaded export \(line \d+\) but not in the resend account/) }));
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'custom_field_value', source_id: missing.email, reason: expect.stringContaining('not in the uploaded contacts export') }));
    const emails = (await contactsOf(org.id)).map((c) => c.email);
    expect(emails).not.toContain('stranger@example.com');
    expect(emails).toContain(missing.email.toLowerCase());
  });

  it('fills new custom fields of their declared types from a generic CSV, reading no property from Resend', { timeout: 240_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const people = env.resend.account.contacts.filter((c) => /^[^A-Z]+$/.test(c.email)).slice(0, 6);
    const rows = people.map((c, i) => `${c.email},${i === 0 ? 'many' : i},2026-01-0${i + 1},${i % 2 ? 'pro' : 'free'}`);
    const csv = `E-mail,Seats,Joined On,Plan Tier\n${rows.join('\n')}\n`;
    const mapping = { email: 'E-mail', properties: { Seats: { field: 'seats', type: 'number' }, 'Joined On': { field: 'joined_on', type: 'date' }, 'Plan Tier': { field: 'plan_tier', type: 'string' } } };
    // None of the account's own properties: the uploaded fields alone.
    const run = await migrate(key, csv, { query: { mapping: JSON.stringify(mapping) }, approve: { options: { customFields: [] } } });
    expect(run.propertyReads).toBe(0);
    const fields = await env.db.query<{ name: string; field_type: string }>('select name, field_type from custom_fields where organization_id = $1 order by name', [org.id]);
    expect(fields).toEqual([
      { name: 'joined_on', field_type: 'date' },
      { name: 'plan_tier', field_type: 'string' },
      { name: 'seats', field_type: 'number' },
    ]);
    const byEmail = new Map((await contactsOf(org.id)).map((c) => [c.email, c.custom_fields]));
    expect(byEmail.get(people[1]!.email)).toEqual({ seats: 1, joined_on: '2026-01-02T00:00:00.000Z', plan_tier: 'pro' });
    expect(byEmail.get(people[0]!.email)).toEqual({ joined_on: '2026-01-01T00:00:00.000Z', plan_tier: 'free' });
    const problems = await env.db.query<{ source_id: string; reason: string }>(`select source_id, reason from import_problems where job_id = $1 and kind = 'custom_field_value'`, [run.id]);
    expect(problems).toEqual([{ source_id: people[0]!.email, reason: 'value of the uploaded seats is not a number' }]);
  });

  it('refuses a declared field the account already has as a property, and one declared twice with two types', { timeout: 120_000 }, async () => {
    const { key } = await createOrgWithKey(env.db);
    const id = await scannedJob(env.api.url, key, 'resend', env.credential);
    const property = env.resend.account.contactProperties[0]!.key;
    const send = (properties: object) =>
      sendUpload(env.api.url, key, `/v1/migrate/${id}/uploads`, `email,x\na@example.com,1\n`, { query: { mapping: JSON.stringify({ email: 'email', properties }) } });
    const clash = await send({ x: { field: property, type: 'string' } });
    expect(clash.status).toBe(422);
    expect(clash.body.error.message).toContain(`the account has the property “${property}”`);
    expect((await send({ x: { field: 'seats', type: 'number' } })).status).toBe(201);
    const twice = await send({ x: { field: 'seats', type: 'boolean' } });
    expect(twice.status).toBe(422);
    expect(twice.body.error.message).toMatch(/declares the field seats as number, not boolean/);
    expect((await send({ x: { field: '1bad', type: 'string' } })).status).toBe(422);
  });
});
