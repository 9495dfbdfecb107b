import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';
import { resendTruth } from '../../emulators/resend/generator.js';

// Short heartbeats so a given-back job is picked up again within seconds.
const env = useMigrationEnv({
  account: { seed: 17, age: 'new', contacts: 1200, lists: 2 },
  settings: { JOB_HEARTBEAT_SECONDS: '10', JOB_MONITOR_INTERVAL_SECONDS: '1' },
});
const importing = (key: string) => env.importingContacts(key, { rateLimit: 8, atLeast: 200 });

async function expectExact(orgId: string, client: ReturnType<typeof restClient>, id: string) {
  env.resend.setRateLimit(100);
  const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 120_000);
  expect(done.body.status, done.body.error_message).toBe('completed');
  const emails = await env.db.query<{ email: string }>('select email from contacts where organization_id = $1 order by email', [orgId]);
  expect(emails.map((r) => r.email)).toEqual(resendTruth(env.resend.account).contactEmails);
}

describe('a worker whose database connections drop', () => {
  it('survives losing the connection that holds the job lock, gives the job back and completes it exactly', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { client, id } = await importing(key);
    // Only the connection holding this job's lock (session advisory lock on the job id's hash).
    const killed = await env.db.query(
      `select pg_terminate_backend(pid) from pg_locks
        where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
          and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
      [id],
    );
    expect(killed).toHaveLength(1);
    await env.worker!.waitFor(/giving it back/, 30_000);
    await expectExact(org.id, client, id);
    expect(env.worker!.child.exitCode).toBeNull();
  });

  it('survives every import connection dropping at once and goes on', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { client, id } = await importing(key);
    const killed = await env.db.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'migrate-worker' and datname = current_database()`,
    );
    expect(killed.length).toBeGreaterThanOrEqual(2);
    await expectExact(org.id, client, id);
    expect(env.worker!.child.exitCode).toBeNull();
    expect(env.worker!.output()).not.toMatch(/uncaught exception|unhandled rejection/);
  });
});
