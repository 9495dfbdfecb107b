import { describe, expect, it } from 'vitest';
import { useDatabaseWithPool } from '../support/test-database.js';
import { createOrgWithKey } from '../support/factories.js';
import { contactRowProblem, writeContactBatch, type ContactRow } from '../../src/modules/contacts/contact-bulk-writer.js';

const env = useDatabaseWithPool();

const row = (email: string, over: Partial<ContactRow> = {}): ContactRow => ({
  email: email.toLowerCase(),
  emailDisplay: email,
  firstName: null,
  lastName: null,
  unsubscribed: false,
  audienceUnsubscribed: false,
  customFields: {},
  ...over,
});

async function orgWithAudience() {
  const { org } = await createOrgWithKey(env.db);
  const audienceId = `aud_${org.id}`;
  await env.db.query('insert into audiences (id, organization_id, name) values ($1, $2, $3)', [audienceId, org.id, 'Newsletter']);
  return { organizationId: org.id, audienceId };
}

async function write(organizationId: string, rows: ContactRow[], audienceId: string | null = null, since = new Date(0)) {
  const client = await env.pool.connect();
  try {
    await client.query('begin');
    const outcome = await writeContactBatch(client, organizationId, rows, audienceId, since);
    await client.query('commit');
    return outcome;
  } finally {
    client.release();
  }
}

const contactsOf = (organizationId: string) =>
  env.db.query('select email, email_display, first_name, last_name, unsubscribed, custom_fields from contacts where organization_id = $1 order by email', [organizationId]);
const writtenSince = async (xid: string) =>
  Number((await env.db.query(`select (select count(*) from contacts where xmin::text::bigint > $1::bigint % 4294967296)
     + (select count(*) from audience_members where xmin::text::bigint > $1::bigint % 4294967296) as n`, [xid]))[0]!.n);

describe('writeContactBatch', () => {
  it('inserts contacts and memberships by COPY, one per email whatever its case', async () => {
    const { organizationId, audienceId } = await orgWithAudience();
    const outcome = await write(organizationId, [
      row('Ann@Example.com', { firstName: 'Ann' }),
      row('ann@example.com', { lastName: 'Lee', customFields: { plan: 'pro' } }),
      row('bob@example.com', { audienceUnsubscribed: true }),
    ], audienceId);
    expect(outcome).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, membershipsAdded: 2, preexisting: [] });
    expect(await contactsOf(organizationId)).toEqual([
      { email: 'ann@example.com', email_display: 'Ann@Example.com', first_name: 'Ann', last_name: 'Lee', unsubscribed: false, custom_fields: { plan: 'pro' } },
      { email: 'bob@example.com', email_display: 'bob@example.com', first_name: null, last_name: null, unsubscribed: false, custom_fields: {} },
    ]);
    const members = await env.db.query('select c.email, m.unsubscribed from audience_members m join contacts c on c.id = m.contact_id where m.audience_id = $1 order by c.email', [audienceId]);
    expect(members).toEqual([{ email: 'ann@example.com', unsubscribed: false }, { email: 'bob@example.com', unsubscribed: true }]);
  });

  it('writes nothing when nothing changed, and merges only what did', async () => {
    const { organizationId, audienceId } = await orgWithAudience();
    const first = [row('a@example.com', { firstName: 'A', customFields: { n: 1 } }), row('b@example.com')];
    await write(organizationId, first, audienceId);
    const [{ xid }] = (await env.db.query<{ xid: string }>('select pg_current_xact_id()::text as xid')) as [{ xid: string }];

    const again = await write(organizationId, first, audienceId);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, membershipsAdded: 0 });
    expect(await writtenSince(xid)).toBe(0);

    // A name arrives, a field is added, an opt-out arrives; nulls never erase what is stored.
    const merged = await write(organizationId, [
      row('A@example.com', { firstName: null, customFields: { city: 'Berlin' } }),
      row('b@example.com', { lastName: 'Bee', unsubscribed: true, audienceUnsubscribed: true }),
    ], audienceId);
    expect(merged).toMatchObject({ inserted: 0, updated: 2, unchanged: 0, membershipsAdded: 0 });
    expect(await contactsOf(organizationId)).toEqual([
      { email: 'a@example.com', email_display: 'a@example.com', first_name: 'A', last_name: null, unsubscribed: false, custom_fields: { n: 1, city: 'Berlin' } },
      { email: 'b@example.com', email_display: 'b@example.com', first_name: null, last_name: 'Bee', unsubscribed: true, custom_fields: {} },
    ]);
    expect(await env.db.query('select unsubscribed from audience_members where audience_id = $1 order by unsubscribed', [audienceId])).toEqual([
      { unsubscribed: false },
      { unsubscribed: true },
    ]);
    // An opt-out is never taken back by a later import.
    await write(organizationId, [row('b@example.com', { unsubscribed: false })], audienceId);
    expect((await env.db.query('select unsubscribed from contacts where email = $1 and organization_id = $2', ['b@example.com', organizationId]))[0]).toEqual({ unsubscribed: true });
  });

  it('reports contacts that existed before the import began', async () => {
    const { organizationId } = await orgWithAudience();
    await write(organizationId, [row('old@example.com')]);
    const since = new Date(Date.now() + 1000);
    const outcome = await write(organizationId, [row('old@example.com'), row('new@example.com')], null, since);
    expect(outcome.preexisting).toEqual(['old@example.com']);
  });

  it('keeps organizations apart and stores values COPY would otherwise misread', async () => {
    const one = await orgWithAudience();
    const two = await orgWithAudience();
    const tricky = row('x@example.com', { firstName: 'Tab\there\\back\nline\r', lastName: 'nul\0byte', customFields: { note: 'a\\nb "q"', nul: 'x\0y' } });
    await write(one.organizationId, [tricky], one.audienceId);
    await write(two.organizationId, [row('x@example.com', { firstName: 'Other' })], two.audienceId);
    expect(await contactsOf(one.organizationId)).toEqual([
      { email: 'x@example.com', email_display: 'x@example.com', first_name: 'Tab\there\\back\nline\r', last_name: 'nulbyte', unsubscribed: false, custom_fields: { note: 'a\\nb "q"', nul: 'xy' } },
    ]);
    expect((await contactsOf(two.organizationId))[0]).toMatchObject({ first_name: 'Other' });
  });

  it('refuses a membership that would join two organizations', async () => {
    const one = await orgWithAudience();
    const two = await orgWithAudience();
    await write(one.organizationId, [row('y@example.com')]);
    const [{ id }] = (await env.db.query<{ id: string }>('select id from contacts where organization_id = $1', [one.organizationId])) as [{ id: string }];
    await expect(
      env.db.query('insert into audience_members (audience_id, organization_id, contact_id) values ($1, $2, $3)', [two.audienceId, two.organizationId, id]),
    ).rejects.toThrow(/audience_members_contact_fkey/);
  });
});

describe('contactRowProblem', () => {
  it('names the over-long field', () => {
    expect(contactRowProblem(row('a@example.com', { firstName: 'x'.repeat(257) }))).toBe('first name longer than 256 characters');
    expect(contactRowProblem(row('a@example.com', { customFields: { bio: 'x'.repeat(2049) } }))).toBe('custom field bio longer than 2048 characters');
    expect(contactRowProblem(row('a@example.com', { firstName: 'x'.repeat(256) }))).toBeNull();
  });
});
