import { afterAll, beforeAll, expect } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { startTestApi, type TestApi } from './test-api.js';
import { startTestWorker, eventually } from './test-worker.js';
import { restClient } from './rest-client.js';
import type { ManagedProcess } from './processes.js';
import { generateSendGridAccount, type SendGridGenerateOptions } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';

export interface SendGridEnv {
  db: TestDatabase;
  api: TestApi;
  worker: ManagedProcess;
  sendgrid: SendGridEmulator;
  /** The token of the generated key with that name ('Migration (read all)', 'Marketing only', ...). */
  keyNamed(name: string): string;
  /** A whole migration through /v1/migrate with default options; the job must complete. */
  migrate(key: string, credential: string): Promise<{ scan: any; result: any }>;
  /** What an organization holds after an import, kind by kind, for exact comparisons. */
  snapshot(orgId: string): Promise<SendGridSnapshot>;
}

export interface SendGridSnapshot {
  contacts: { email: string; custom_fields: unknown }[];
  members: Record<string, unknown>[];
  fields: Record<string, unknown>[];
  templates: { name: string; subject: string; html: string; variables: { key: string }[]; test_data: Record<string, unknown> | null }[];
  groups: Record<string, unknown>[];
  global: Record<string, unknown>[];
}

/** Database, SendGrid emulator, API and worker for one test file, pointed at each other. */
export function useSendGridEnv(account: SendGridGenerateOptions, maxFileSizeContacts?: number, specShapes?: { seed: number }): SendGridEnv {
  const env = {} as SendGridEnv;
  beforeAll(async () => {
    env.db = await createTestDatabase();
    env.sendgrid = await startSendGridEmulator({ account: generateSendGridAccount(account), maxFileSizeContacts, specShapes });
    const settings = { SENDGRID_BASE_URL: env.sendgrid.url, SENDGRID_CDN_URL: env.sendgrid.cdnUrl };
    env.api = await startTestApi(env.db, settings);
    env.worker = await startTestWorker(env.db, settings);
  });
  afterAll(async () => {
    await env.worker?.stop();
    await env.api?.close();
    await env.sendgrid?.close();
    await env.db?.drop();
  });
  env.keyNamed = (name) => env.sendgrid.account.apiKeys.find((k) => k.name === name)!.token;
  env.migrate = async (key, credential) => {
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'sendgrid', credential });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'pending' && r.body.status !== 'scanning', 60_000);
    expect(scanned.body.status, scanned.body.error_message).toBe('ready_for_review');
    await client.post(`/v1/migrate/${id}/approve`, {});
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 300_000);
    expect(done.body.status, done.body.error_message).toBe('completed');
    return { scan: scanned.body.scan_result, result: done.body.import_result };
  };
  env.snapshot = async (orgId) => {
    const q = (sql: string) => env.db.query(sql, [orgId]);
    return {
      contacts: (await q('select email, first_name, last_name, custom_fields, updated_at from contacts where organization_id = $1 order by email')) as SendGridSnapshot['contacts'],
      members: await q(`select l.source_id, array_agg(c.email order by c.email) as emails from audience_members m
        join source_links l on l.local_id = m.audience_id and l.kind = 'audience' join contacts c on c.id = m.contact_id
        where m.organization_id = $1 group by l.source_id order by 1`),
      fields: await q('select name, field_type from custom_fields where organization_id = $1 order by name'),
      templates: (await q('select name, subject, html, variables, test_data, needs_review, updated_at from templates where organization_id = $1 order by name')) as SendGridSnapshot['templates'],
      groups: await q(`select g.name, array_agg(s.email order by s.email) filter (where s.email is not null) as emails
        from suppression_groups g left join suppressions s on s.group_id = g.id where g.organization_id = $1 group by g.name order by g.name`),
      global: await q('select email, reason from suppressions where organization_id = $1 and group_id is null order by email, reason'),
    };
  };
  return env;
}
