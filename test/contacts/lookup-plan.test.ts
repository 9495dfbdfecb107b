import { describe, expect, it } from 'vitest';
import { useDatabaseWithPool } from '../support/test-database.js';
import { createOrgWithKey } from '../support/factories.js';
import { LOOKUP_CONTACTS, writeContactBatch, type ContactRow } from '../../src/modules/contacts/contact-bulk-writer.js';
import { analyzeContactTables } from '../../src/modules/contacts/contact-statistics.js';

const env = useDatabaseWithPool();

const rows = (prefix: string, n: number): ContactRow[] =>
  Array.from({ length: n }, (_, i) => ({
    email: `${prefix}${i}@example.com`, emailDisplay: `${prefix}${i}@example.com`, firstName: null, lastName: null,
    unsubscribed: false, audienceUnsubscribed: false, customFields: {},
  }));

async function write(organizationId: string, batch: ContactRow[]) {
  const client = await env.pool.connect();
  try {
    await client.query('begin');
    await writeContactBatch(client, organizationId, batch, null, new Date(0));
    await client.query('commit');
  } finally {
    client.release();
  }
}

/** The index the per-address lookup of a batch would use for this organization now. */
async function lookupIndex(organizationId: string, emails: string[]): Promise<string[]> {
  const [plan] = await env.db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${LOOKUP_CONTACTS}`, [organizationId, emails, new Date()]);
  return [...JSON.stringify(plan).matchAll(/"Index Name":"([^"]+)"/g)].map((m) => m[1]!);
}

describe('the per-address contact lookup beside a large organization', () => {
  it('uses the (organization, email) key once the new organization’s first rows are analyzed', { timeout: 120_000 }, async () => {
    const big = await createOrgWithKey(env.db);
    for (let i = 0; i < 4; i++) await write(big.org.id, rows(`big${i}-`, 10_000));
    await analyzeContactTables(env.pool);

    // A new organization's first batch, planned with statistics that still say it has none: the
    // planner may read it through another (organization_id, …) index, once per address (PostgreSQL
    // 15 picks contacts_migration_idx here).
    const fresh = await createOrgWithKey(env.db);
    const first = rows('new-', 6_000);
    await write(fresh.org.id, first);
    const emails = first.slice(0, 500).map((r) => r.email);

    // What the contacts phase does after an import's first 5,000 contacts.
    await analyzeContactTables(env.pool);
    expect(await lookupIndex(fresh.org.id, emails)).toEqual(['contacts_org_email_key']);
  });
});
