import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { startTestWorker, eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import type { ManagedProcess } from '../support/processes.js';
import { generateResendAccount, resendTruth } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { emailProblem, normalizeEmail } from '../../src/sources/shared/email.js';

let db: TestDatabase;
let api: TestApi;
let resend: ResendEmulator;
const workers: ManagedProcess[] = [];

// Per-contact reads (properties, topics) would multiply the requests; these tests are about contacts.
const CONTACTS_ONLY = { ignoreCustomFields: true, ignoreTopics: true };

// Short heartbeats so a killed worker's job comes back within seconds.
const workerSettings = () => ({ RESEND_BASE_URL: resend.url, JOB_HEARTBEAT_SECONDS: '10', JOB_MONITOR_INTERVAL_SECONDS: '1' });

beforeAll(async () => {
  db = await createTestDatabase();
  resend = await startResendEmulator({
    account: generateResendAccount({ seed: 11, age: 'new', contacts: 1500, lists: 3 }),
    rateLimit: 100,
  });
  api = await startTestApi(db, { RESEND_BASE_URL: resend.url });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await api?.close();
  await resend?.close();
  await db?.drop();
});

async function worker() {
  const w = await startTestWorker(db, workerSettings());
  workers.push(w);
  return w;
}

/** Starts a migration and waits until it is ready for review. */
async function scanned(client: ReturnType<typeof restClient>) {
  const fullKey = resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
  const started = await client.post('/v1/migrate', { source: 'resend', credential: fullKey });
  await eventually(() => client.get(`/v1/migrate/${started.body.id}`), (r) => r.body.status === 'ready_for_review');
  return started.body.id as string;
}

const contactsProcessed = async (id: string) => {
  const [row] = await db.query<{ progress: { counts?: { contacts?: { processed: number } } } }>(
    'select progress from migration_jobs where id = $1', [id]);
  return row?.progress.counts?.contacts?.processed ?? 0;
};

/** Invalid addresses of the account, each once: what a finished import must report, whatever it went through. */
function invalidAddresses(): number {
  const emails = new Set([...resend.account.contacts, ...resend.account.audienceContacts].map((c) => normalizeEmail(c.email)));
  return [...emails].filter((e) => emailProblem(e) !== null).length;
}

type Entry = { kind: string; count: number };
const contactProblems = (errors: Entry[]) => errors.filter((e) => e.kind === 'contact').reduce((n, e) => n + e.count, 0);

async function expectExactly(orgId: string) {
  const truth = resendTruth(resend.account);
  const emails = await db.query<{ email: string }>('select email from contacts where organization_id = $1 order by email', [orgId]);
  expect(emails.map((r) => r.email)).toEqual(truth.contactEmails);
  const members = await db.query<{ source_id: string; email: string }>(
    `select l.source_id, c.email from audience_members m
       join source_links l on l.local_id = m.audience_id and l.kind = 'audience'
       join contacts c on c.id = m.contact_id
      where m.organization_id = $1 order by 1, 2`, [orgId]);
  const bySource: Record<string, string[]> = {};
  for (const m of members) (bySource[m.source_id] ??= []).push(m.email);
  expect(bySource).toEqual(Object.fromEntries(Object.entries(truth.listMembers).filter(([, v]) => v.length)));
  return truth;
}

describe('an import whose worker is killed mid-way', () => {
  it('resumes from its checkpoint on redelivery and ends with exactly the same rows', async () => {
    const { org, key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    const first = await worker();
    const id = await scanned(client);
    resend.setRateLimit(8); // slow enough to kill it half way
    await client.post(`/v1/migrate/${id}/approve`, { options: CONTACTS_ONLY });
    await eventually(() => contactsProcessed(id), (n) => n >= 200, 30_000);
    await first.stop('SIGKILL');
    const killedAt = await contactsProcessed(id);
    expect((await client.get(`/v1/migrate/${id}`)).body.status).toBe('importing');

    resend.setRateLimit(100);
    await worker();
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 90_000);
    expect(done.body.status).toBe('completed');
    const truth = await expectExactly(org.id);
    expect(done.body.import_result.imported.contacts).toBe(truth.contactEmails.length);
    // Row problems are counted once each, though the resumed run met some of them again.
    expect(invalidAddresses()).toBeGreaterThan(0);
    expect(contactProblems(done.body.import_result.errors)).toBe(invalidAddresses());
    // It really was cut off half way: far less had been read than the whole import reads.
    expect(killedAt).toBeLessThan(await contactsProcessed(id));
  });

  it('can be cancelled and retried: the retry resumes and ends with exactly the same rows', async () => {
    const { org, key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    const id = await scanned(client);
    resend.setRateLimit(8);
    await client.post(`/v1/migrate/${id}/approve`, { options: CONTACTS_ONLY });
    await eventually(() => contactsProcessed(id), (n) => n >= 100, 30_000);
    const [victim] = workers.filter((w) => w.child.exitCode === null);
    await victim!.stop('SIGKILL');

    const cancelled = await client.post(`/v1/migrate/${id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'failed', error_message: 'cancelled' });
    const before = (await client.get(`/v1/migrate/${id}`)).body.import_result;
    resend.setRateLimit(100);
    await worker();
    const retried = await client.post(`/v1/migrate/${id}/retry`);
    expect(retried.body.status).toBe('importing');
    expect(retried.body.import_result.imported).toEqual(before.imported);
    // Recounted from the stored problems: what the cancelled run found, once each.
    expect(contactProblems(retried.body.import_result.errors)).toBe(contactProblems(before.errors));
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 60_000);
    expect(done.body.status).toBe('completed');
    await expectExactly(org.id);
    expect(contactProblems(done.body.import_result.errors)).toBe(invalidAddresses());
  });
});

describe('cancelling a running import', () => {
  it('stops the worker within a second, at the next batch boundary', async () => {
    const { org, key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    if (!workers.some((w) => w.child.exitCode === null)) await worker();
    const id = await scanned(client);
    resend.setRateLimit(2);
    await client.post(`/v1/migrate/${id}/approve`, { options: CONTACTS_ONLY });
    await eventually(() => contactsProcessed(id), (n) => n > 0, 30_000);

    const cancelled = await client.post(`/v1/migrate/${id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'failed', error_message: 'cancelled', completed_at: expect.any(String) });
    const cancelledAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    const requestsAfter = resend.stats.timestamps.filter((t) => t > cancelledAt + 1000).length;
    expect(requestsAfter).toBe(0);
    const count = async () => (await db.query<{ n: number }>('select count(*)::int as n from contacts where organization_id = $1', [org.id]))[0]!.n;
    const settled = await count();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count()).toBe(settled);
    expect((await client.post(`/v1/migrate/${id}/cancel`)).status).toBe(409);
    resend.setRateLimit(100);
  });
});
