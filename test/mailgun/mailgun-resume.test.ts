import { describe, expect, it } from 'vitest';
import { useMailgunEnv } from '../support/mailgun-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually, startTestWorker } from '../support/test-worker.js';
import { mailgunTruth } from '../../emulators/mailgun/generator.js';

// A worker that vanishes is noticed within seconds (heartbeat 10 s, monitor every second).
const env = useMailgunEnv({ seed: 32, domains: 1, lists: 3, contacts: 3000, templates: 2, suppressions: 5 }, { JOB_HEARTBEAT_SECONDS: '10', JOB_MONITOR_INTERVAL_SECONDS: '1' });

describe('a Mailgun import whose worker is killed', () => {
  it('is resumed by another worker after its last committed page, and lands every kind exactly', { timeout: 240_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const truth = mailgunTruth(env.mailgun.account);
    const id = (await client.post('/v1/migrate', { source: 'mailgun', credential: env.credential })).body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');

    env.mailgun.setRequestsPerSecond(4); // slow enough that the kill falls inside the contacts
    const contacts = async () => ((await env.db.query<{ n: number }>('select count(*)::int as n from contacts where organization_id = $1', [org.id]))[0]!.n);
    try {
      expect((await client.post(`/v1/migrate/${id}/approve`, {})).status).toBe(200);
      await eventually(contacts, (n) => n > 0, 60_000);
      await env.worker.stop('SIGKILL');
      const before = await contacts();
      expect(before).toBeLessThan(truth.contactEmails.length);
    } finally {
      env.mailgun.setRequestsPerSecond(100);
    }
    env.worker = await startTestWorker(env.db, env.settings);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'completed' || r.body.status === 'failed', 180_000);
    expect(done.body.status, `${done.body.error_message}\n${env.worker.output().split('\n').filter((l) => /error|Error/.test(l)).slice(0, 5).join('\n')}`).toBe('completed');

    const rows = await env.snapshot(org.id);
    expect(rows.contacts.map((c) => c.email)).toEqual(truth.contactEmails);
    expect(Object.fromEntries(rows.members.map((m) => [m.source_id, m.emails]))).toEqual(truth.listMembers);
    expect(Object.fromEntries(rows.members.map((m) => [m.source_id, m.unsubscribed]))).toEqual(truth.listUnsubscribed);
    expect(Object.fromEntries(rows.templates.map((t) => [t.name, { subject: t.subject, html: t.html }]))).toEqual(truth.templates);
    expect([...new Set(rows.global.map((s) => s.email))]).toEqual(truth.globalSuppressed);
    expect(Object.fromEntries(rows.groups.map((g) => [g.name, g.emails ?? []]))).toEqual(truth.tagGroups);
    // Counted once: what the result says it imported is what is there.
    expect(done.body.import_result.imported.contacts).toBe(truth.contactEmails.length);
  });
});
