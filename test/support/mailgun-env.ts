import { afterAll, beforeAll, expect } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { startTestApi, type TestApi } from './test-api.js';
import { startTestWorker, eventually } from './test-worker.js';
import { restClient } from './rest-client.js';
import type { ManagedProcess } from './processes.js';
import { generateMailgunAccount, type MailgunGenerateOptions } from '../../emulators/mailgun/generator.js';
import { startMailgunEmulator, type MailgunEmulator } from '../../emulators/mailgun/server.js';

export interface MailgunEnv {
  db: TestDatabase;
  api: TestApi;
  worker: ManagedProcess;
  mailgun: MailgunEmulator;
  /** What the API and worker were started with (a test starting another worker passes them again). */
  settings: Record<string, string>;
  /** The account's private key. */
  credential: string;
  /** The Domain Sending Key, which cannot read. */
  sendingKey: string;
  /** A whole migration through /v1/migrate with these options; the job must complete. */
  migrate(key: string, options?: Record<string, unknown>): Promise<{ id: string; scan: any; result: any }>;
  /** What an organization holds after an import, for exact comparisons with the truth. */
  snapshot(orgId: string): Promise<MailgunSnapshot>;
}

export interface MailgunSnapshot {
  contacts: { email: string; first_name: string | null; last_name: string | null; unsubscribed: boolean; custom_fields: Record<string, unknown> }[];
  /** List address → members, and those unsubscribed from it. */
  members: { source_id: string; emails: string[]; unsubscribed: string[] }[];
  fields: { name: string; field_type: string }[];
  templates: { name: string; subject: string | null; html: string; from_address: string | null }[];
  domains: { name: string; region: string | null; records: number }[];
  groups: { name: string; emails: string[] | null }[];
  global: { email: string; reason: string }[];
}

/**
 * Database, Mailgun emulator (both regions), API and worker for one test file, pointed at each
 * other; with `specShapes`, the emulator serves the account in spec-shapes mode.
 */
export function useMailgunEnv(account: MailgunGenerateOptions, extraSettings: Record<string, string> = {}, specShapes?: { seed: number }): MailgunEnv {
  const env = {} as MailgunEnv;
  beforeAll(async () => {
    env.db = await createTestDatabase();
    env.mailgun = await startMailgunEmulator({ account: generateMailgunAccount(account), specShapes });
    env.credential = env.mailgun.account.apiKeys.find((k) => k.kind === 'private')!.token;
    env.sendingKey = env.mailgun.account.apiKeys.find((k) => k.kind === 'sending')!.token;
    env.settings = { MAILGUN_BASE_URL: env.mailgun.url, MAILGUN_EU_BASE_URL: env.mailgun.euUrl, ...extraSettings };
    env.api = await startTestApi(env.db, env.settings);
    env.worker = await startTestWorker(env.db, env.settings);
  });
  afterAll(async () => {
    await env.worker?.stop();
    await env.api?.close();
    await env.mailgun?.close();
    await env.db?.drop();
  });
  env.migrate = async (key, options = {}) => {
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'mailgun', credential: env.credential });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'pending' && r.body.status !== 'scanning', 60_000);
    expect(scanned.body.status, scanned.body.error_message).toBe('ready_for_review');
    const approved = await client.post(`/v1/migrate/${id}/approve`, { options });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 120_000);
    // A failed job says why, with the worker's first error lines.
    const errors = () => env.worker.output().split('\n').filter((l) => /error|Error/.test(l)).slice(0, 8).join('\n');
    expect(done.body.status, done.body.status === 'completed' ? '' : `${done.body.error_message}\n${errors()}`).toBe('completed');
    return { id, scan: scanned.body.scan_result, result: done.body.import_result };
  };
  env.snapshot = async (orgId) => {
    const q = async <T>(sql: string) => (await env.db.query(sql, [orgId])) as T;
    return {
      contacts: await q('select email, first_name, last_name, unsubscribed, custom_fields from contacts where organization_id = $1 order by email'),
      members: await q(`select l.source_id, array_agg(c.email order by c.email) as emails,
          coalesce(array_agg(c.email order by c.email) filter (where m.unsubscribed), '{}') as unsubscribed
        from audience_members m join source_links l on l.local_id = m.audience_id and l.kind = 'audience' join contacts c on c.id = m.contact_id
        where m.organization_id = $1 group by l.source_id order by 1`),
      fields: await q('select name, field_type from custom_fields where organization_id = $1 order by name'),
      templates: await q('select name, subject, html, from_address from templates where organization_id = $1 order by name'),
      domains: await q(`select name, region, jsonb_array_length(dns_records) as records from domains where organization_id = $1 order by name`),
      groups: await q(`select g.name, array_agg(s.email order by s.email) filter (where s.email is not null) as emails
        from suppression_groups g left join suppressions s on s.group_id = g.id where g.organization_id = $1 group by g.name order by g.name`),
      global: await q('select email, reason from suppressions where organization_id = $1 and group_id is null order by email, reason'),
    };
  };
  return env;
}
