import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { eventually, startTestWorker } from '../support/test-worker.js';
import type { ManagedProcess } from '../support/processes.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { resendSuppressionsExport } from '../../emulators/resend/dashboard-exports.js';
import { generateSendGridAccount } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import { generateMailgunAccount } from '../../emulators/mailgun/generator.js';
import { startMailgunEmulator, type MailgunEmulator } from '../../emulators/mailgun/server.js';
import { generatePostmarkAccount } from '../../emulators/postmark/generator.js';
import { startPostmarkEmulator, type PostmarkEmulator } from '../../emulators/postmark/server.js';
import { scannedJob, sendUpload } from './upload-client.js';

/** Every provider's emulator behind one API and worker: each test migrates from one of them. */
let db: TestDatabase;
let api: TestApi;
let worker: ManagedProcess;
let resend: ResendEmulator;
let sendgrid: SendGridEmulator;
let mailgun: MailgunEmulator;
let postmark: PostmarkEmulator;

beforeAll(async () => {
  db = await createTestDatabase();
  resend = await startResendEmulator({ account: generateResendAccount({ seed: 3, contacts: 20, lists: 1, templates: 0, suppressions: 2 }), rateLimit: 100 });
  sendgrid = await startSendGridEmulator({ account: generateSendGridAccount({ seed: 3, contacts: 20, lists: 1, templates: 0, legacyTemplates: 0, groups: 1, suppressions: 2 }) });
  mailgun = await startMailgunEmulator({ account: generateMailgunAccount({ seed: 3, domains: 1, lists: 1, contacts: 20, templates: 0, suppressions: 2 }) });
  postmark = await startPostmarkEmulator({ account: generatePostmarkAccount({ seed: 3, servers: 1, templates: 0, suppressions: 2 }) });
  const settings = {
    RESEND_BASE_URL: resend.url,
    SENDGRID_BASE_URL: sendgrid.url,
    SENDGRID_CDN_URL: sendgrid.cdnUrl,
    MAILGUN_BASE_URL: mailgun.url,
    MAILGUN_EU_BASE_URL: mailgun.euUrl,
    POSTMARK_BASE_URL: postmark.url,
  };
  api = await startTestApi(db, settings);
  worker = await startTestWorker(db, settings);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await Promise.all([resend?.close(), sendgrid?.close(), mailgun?.close(), postmark?.close()]);
  await db?.drop();
});

/** Scan, upload `csv`, import everything; returns the organization's suppressions of `domain` addresses. */
async function importWithUpload(source: string, credential: string, csv: string, query: Record<string, string> = {}) {
  const { org, key } = await createOrgWithKey(db);
  const id = await scannedJob(api.url, key, source, credential);
  const uploaded = await sendUpload(api.url, key, `/v1/migrate/${id}/uploads`, csv, { query });
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expect(uploaded.body.content).toBe('suppressions');
  const client = restClient(api.url, key);
  expect((await client.post(`/v1/migrate/${id}/approve`, {})).status).toBe(200);
  const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 120_000);
  expect(done.body.status, done.body.error_message).toBe('completed');
  // The uploaded records are part of the planned total: the count ends at it, never past it.
  const [job] = await db.query<{ progress: { counts: Record<string, { processed: number; total: number | null }> } }>('select progress from migration_jobs where id = $1', [id]);
  const suppressions = job!.progress.counts.suppressions!;
  expect(suppressions.processed).toBeGreaterThan(0);
  expect(suppressions.processed).toBe(suppressions.total);
  const rows = await db.query<{ email: string; reason: string; group_name: string | null; source_created_at: Date | null }>(
    `select s.email, s.reason, g.name as group_name, s.source_created_at from suppressions s left join suppression_groups g on g.id = s.group_id
      where s.organization_id = $1 and s.email like '%@upload.example' order by s.email, g.name`,
    [org.id],
  );
  return { format: uploaded.body.format as string, rows: rows.map((r) => ({ ...r, source_created_at: r.source_created_at?.toISOString().slice(0, 10) ?? null })) };
}

describe('each provider’s suppression export, uploaded, joins the import', () => {
  it('Resend: the dashboard’s suppression CSV', { timeout: 180_000 }, async () => {
    const csv = resendSuppressionsExport([
      { email: 'Bounced@Upload.Example', origin: 'bounce', created_at: '2026-03-01 10:00:00.123+00' },
      { email: 'complained@upload.example', origin: 'complaint', created_at: '2026-03-02T10:00:00Z' },
      { email: 'manual@upload.example', origin: 'manual', created_at: '' },
    ]);
    const { format, rows } = await importWithUpload('resend', resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token, csv);
    expect(format).toBe('resend_suppressions');
    expect(rows).toEqual([
      { email: 'bounced@upload.example', reason: 'bounce', group_name: null, source_created_at: '2026-03-01' },
      { email: 'complained@upload.example', reason: 'spam_complaint', group_name: null, source_created_at: '2026-03-02' },
      { email: 'manual@upload.example', reason: 'manual', group_name: null, source_created_at: null },
    ]);
  });

  it('SendGrid: a bounces export and a spam reports export, told apart by their columns', { timeout: 180_000 }, async () => {
    const credential = sendgrid.account.apiKeys.find((k) => k.name === 'Migration (read all)')!.token;
    const bounces = await importWithUpload('sendgrid', credential, 'email,created,reason,status\nb1@upload.example,1711929600,550 5.1.1 unknown user,5.1.1\n');
    expect(bounces.format).toBe('sendgrid_suppressions');
    expect(bounces.rows).toEqual([{ email: 'b1@upload.example', reason: 'bounce', group_name: null, source_created_at: '2024-04-01' }]);
    const spam = await importWithUpload('sendgrid', credential, 'email,created,ip\ns1@upload.example,1711929600,10.0.0.1\n');
    expect(spam.rows).toEqual([{ email: 's1@upload.example', reason: 'spam_complaint', group_name: null, source_created_at: '2024-04-01' }]);
    const blocks = await importWithUpload('sendgrid', credential, 'email,created,reason,status\nk1@upload.example,1711929600,blocked,4.0.0\n', { type: 'block' });
    expect(blocks.rows).toEqual([{ email: 'k1@upload.example', reason: 'block', group_name: null, source_created_at: '2024-04-01' }]);
  });

  it('Mailgun: bounces, and unsubscribes whose tag names a suppression group', { timeout: 180_000 }, async () => {
    const credential = mailgun.account.apiKeys.find((k) => k.kind === 'private')!.token;
    const bounces = await importWithUpload('mailgun', credential, 'address,code,error,created_at\nmb@upload.example,550,mailbox full,"Sun, 01 Mar 2026 10:00:00 UTC"\n');
    expect(bounces.format).toBe('mailgun_suppressions');
    expect(bounces.rows).toEqual([{ email: 'mb@upload.example', reason: 'bounce', group_name: null, source_created_at: '2026-03-01' }]);
    const tag = Object.values(mailgun.account.byDomain).flatMap((d) => d.unsubscribes.flatMap((u) => u.tags)).find((t) => t !== '*');
    const csv = `address,tags,created_at\nall@upload.example,*,2026-03-01T00:00:00Z\n${tag ? `tagged@upload.example,${tag},2026-03-01T00:00:00Z\n` : ''}`;
    const unsubscribes = await importWithUpload('mailgun', credential, csv);
    expect(unsubscribes.rows).toEqual([
      { email: 'all@upload.example', reason: 'unsubscribe', group_name: null, source_created_at: '2026-03-01' },
      ...(tag ? [{ email: 'tagged@upload.example', reason: 'unsubscribe', group_name: tag, source_created_at: '2026-03-01' }] : []),
    ]);
  });

  it('Postmark: the suppression dump, by reason', { timeout: 180_000 }, async () => {
    const csv = 'EmailAddress,SuppressionReason,Origin,CreatedAt\npb@upload.example,HardBounce,Recipient,2026-03-01T10:00:00Z\nps@upload.example,SpamComplaint,Recipient,2026-03-02T10:00:00Z\npm@upload.example,ManualSuppression,Customer,\n';
    const { format, rows } = await importWithUpload('postmark', postmark.account.accountToken, csv);
    expect(format).toBe('postmark_suppressions');
    expect(rows).toEqual([
      { email: 'pb@upload.example', reason: 'bounce', group_name: null, source_created_at: '2026-03-01' },
      { email: 'pm@upload.example', reason: 'unsubscribe', group_name: null, source_created_at: null },
      { email: 'ps@upload.example', reason: 'spam_complaint', group_name: null, source_created_at: '2026-03-02' },
    ]);
  });
});

describe('a suppression file uploaded while an import is failed', () => {
  it('joins the retry, and the planned total grows by its records', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(db);
    const client = restClient(api.url, key);
    const id = await scannedJob(api.url, key, 'resend', resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token);
    // The suppression list answers late, so the import is surely still running when cancelled.
    const slow = resend.faults.inject({ path: '/suppressions', kind: 'slow', delayMs: 3_000, times: 1_000 });
    try {
      expect((await client.post(`/v1/migrate/${id}/approve`, {})).status).toBe(200);
      expect((await client.post(`/v1/migrate/${id}/cancel`, {})).status).toBe(200);
    } finally {
      slow.remove();
    }
    const csv = resendSuppressionsExport([{ email: 'late@upload.example', origin: 'bounce', created_at: '2026-03-01 10:00:00+00' }]);
    expect((await sendUpload(api.url, key, `/v1/migrate/${id}/uploads`, csv)).status).toBe(201);
    // Its custom fields were settled at approval: a file cannot declare new ones now.
    const mapping = JSON.stringify({ email: 'email', properties: { seats: { field: 'seats', type: 'number' } } });
    const typed = await sendUpload(api.url, key, `/v1/migrate/${id}/uploads`, 'email,seats\na@example.com,1\n', { query: { mapping } });
    expect(typed.status).toBe(422);
    expect(typed.body.error.message).toContain('new custom fields are created when a migration is approved');
    expect((await client.post(`/v1/migrate/${id}/retry`, {})).status).toBe(200);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 120_000);
    expect(done.body.status, done.body.error_message).toBe('completed');
    const [job] = await db.query<{ progress: { counts: Record<string, { processed: number; total: number | null }> } }>('select progress from migration_jobs where id = $1', [id]);
    const suppressions = job!.progress.counts.suppressions!;
    expect(suppressions.total).toBe(resend.account.suppressions.length + 1);
    expect(suppressions.processed).toBe(suppressions.total);
    expect(await db.query(`select email, reason from suppressions where organization_id = $1 and email = 'late@upload.example'`, [org.id])).toEqual([{ email: 'late@upload.example', reason: 'bounce' }]);
  });
});
