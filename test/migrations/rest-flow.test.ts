import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { resendTruth } from '../../emulators/resend/generator.js';


const env = useMigrationEnv({ account: { seed: 42, age: 'mixed', contacts: 300, lists: 4 } });

const JOB_FIELDS = [
  'id', 'source', 'status', 'scan_result', 'import_options', 'import_result',
  'error_message', 'created_at', 'updated_at', 'completed_at',
].sort();
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function snapshot(orgId: string) {
  const [contacts, members, audiences, domains] = await Promise.all([
    env.db.query(`select id, email, email_display, first_name, last_name, unsubscribed, updated_at from contacts where organization_id = $1 order by email`, [orgId]),
    env.db.query(`select audience_id, contact_id, unsubscribed from audience_members where organization_id = $1 order by 1, 2`, [orgId]),
    env.db.query(`select id, name from audiences where organization_id = $1 order by id`, [orgId]),
    env.db.query(`select id, name, source_status, region from domains where organization_id = $1 order by name`, [orgId]),
  ]);
  return { contacts, members, audiences, domains };
}

describe('the documented /v1/migrate flow against an emulated Resend account', () => {
  it('scans, lists, approves and imports exactly what the account holds; a re-run changes nothing', async () => {
    const { org, key } = await createOrgWithKey(env.db, 'full_access');
    const client = restClient(env.api.url, key);
    const fullKey = env.credential;
    const truth = resendTruth(env.resend.account);

    const sources = await client.get('/v1/migrate/sources');
    expect(sources.status).toBe(200);
    expect(sources.body.data.map((s: { id: string }) => s.id)).toEqual(['resend', 'sendgrid', 'mailgun', 'postmark']);
    expect(Object.keys(sources.body.data[0].credential_field).sort()).toEqual(['help', 'label', 'name', 'placeholder']);

    const started = await client.post('/v1/migrate', { source: 'resend', credential: fullKey });
    expect(started.status).toBe(201);
    expect(Object.keys(started.body).sort()).toEqual(JOB_FIELDS);
    expect(started.body).toMatchObject({ source: 'resend', status: 'pending', scan_result: null, import_result: null, completed_at: null });
    expect(started.body.id).toMatch(/^mig_[A-Za-z0-9_-]+$/);
    expect(started.body.created_at).toMatch(ISO);
    const id = started.body.id as string;

    const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    const scan = scanned.body.scan_result;
    expect(scan.domains.map((d: { name: string }) => d.name).sort()).toEqual(env.resend.account.domains.map((d) => d.name).sort());
    expect(scan.audiences).toHaveLength(env.resend.account.lists.length);
    expect(scan.audiences[0]).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String), contact_count: expect.any(Number) }));
    expect(scan.errors).toEqual([]);

    // A second job, to page through the list with the documented cursor.
    const other = await client.post('/v1/migrate', { source: 'resend', credential: fullKey });
    const page1 = await client.get('/v1/migrate?limit=1');
    expect(page1.body).toMatchObject({ has_more: true, next_cursor: other.body.id });
    expect(page1.body.data.map((j: { id: string }) => j.id)).toEqual([other.body.id]);
    const page2 = await client.get(`/v1/migrate?limit=1&cursor=${page1.body.next_cursor}`);
    expect(page2.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(page2.body.data.map((j: { id: string }) => j.id)).toEqual([id]);
    await eventually(() => client.get(`/v1/migrate/${other.body.id}`), (r) => r.body.status === 'ready_for_review');
    expect((await client.post(`/v1/migrate/${other.body.id}/cancel`)).body).toMatchObject({ status: 'failed', error_message: 'cancelled' });

    const approved = await client.post(`/v1/migrate/${id}/approve`, {
      options: { domains: scan.domains.map((d: { name: string }) => d.name), audiences: scan.audiences.map((a: { id: string }) => a.id), contacts: true },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('importing');
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => ['completed', 'failed'].includes(r.body.status));
    expect(done.body.status).toBe('completed');
    expect(done.body.completed_at).toMatch(ISO);
    expect(done.body.import_result.imported).toMatchObject({
      domains: env.resend.account.domains.length,
      audiences: env.resend.account.lists.length,
      contacts: truth.contactEmails.length,
    });
    expect(done.body.import_result.errors.find((e: { reason: string }) => e.reason === 'invalid email address')?.count ?? 0)
      .toBe(new Set(truth.invalidEmails.map((e) => e.trim().toLowerCase())).size);

    // The database holds exactly the account: no duplicates, no losses, memberships right.
    const rows = await snapshot(org.id);
    expect(rows.contacts.map((c) => c.email)).toEqual(truth.contactEmails);
    const links = await env.db.query<{ source_id: string; local_id: string }>(
      `select source_id, local_id from source_links where organization_id = $1 and kind = 'audience'`, [org.id]);
    const emailById = new Map(rows.contacts.map((c) => [c.id, c.email]));
    for (const link of links) {
      const members = rows.members.filter((m) => m.audience_id === link.local_id).map((m) => emailById.get(m.contact_id)).sort();
      expect(members, `members of ${link.source_id}`).toEqual(truth.listMembers[link.source_id]);
    }
    // Global opt-outs stay global; legacy per-audience opt-outs stay on that audience only.
    const globallyUnsubscribed = new Set(env.resend.account.contacts.filter((c) => c.unsubscribed).map((c) => c.email.trim().toLowerCase()));
    expect(rows.contacts.filter((c) => c.unsubscribed).map((c) => c.email).sort())
      .toEqual([...globallyUnsubscribed].filter((e) => truth.contactEmails.includes(e)).sort());
    const legacyOptOuts = env.resend.account.audienceContacts.filter((c) => c.unsubscribed && truth.contactEmails.includes(c.email.trim().toLowerCase()));
    const localAudience = new Map(links.map((l) => [l.source_id, l.local_id]));
    for (const c of legacyOptOuts) {
      const contactId = rows.contacts.find((r) => r.email === c.email.trim().toLowerCase())!.id;
      expect(rows.members.find((m) => m.audience_id === localAudience.get(c.audience_id) && m.contact_id === contactId)?.unsubscribed).toBe(true);
    }
    const sealed = await env.db.query(`select sealed_credential from migration_jobs where id = $1`, [id]);
    expect(sealed[0]?.sealed_credential).toBeNull();

    // The same migration again: nothing changes, nothing is duplicated.
    const again = await client.post('/v1/migrate', { source: 'resend', credential: fullKey });
    await eventually(() => client.get(`/v1/migrate/${again.body.id}`), (r) => r.body.status === 'ready_for_review');
    await client.post(`/v1/migrate/${again.body.id}/approve`, {});
    const second = await eventually(() => client.get(`/v1/migrate/${again.body.id}`), (r) => ['completed', 'failed'].includes(r.body.status));
    expect(second.body.status).toBe('completed');
    expect(second.body.import_result.imported).toMatchObject({ domains: 0, audiences: 0, contacts: 0, memberships: 0 });
    expect(second.body.import_result.skipped.find((s: { kind: string }) => s.kind === 'contact')?.count).toBeGreaterThan(0);
    expect(await snapshot(org.id)).toEqual(rows);
  });
});
