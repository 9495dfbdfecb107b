import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { MAX_RECOVERIES, reconcileMigrations } from '../../src/modules/imports/reconciler.js';

// No worker: queue work stays queued (or is made to fail) exactly where the test puts it.
const env = useMigrationEnv({ account: { seed: 3, age: 'new', contacts: 5, lists: 1 }, worker: false });

const queued = (id: string) =>
  env.db.query<{ id: string; state: string; run: number }>(
    `select id, state, (data->>'run')::int as run from pgboss.job where name = 'migration.import' and data->>'jobId' = $1 order by created_on`,
    [id],
  );

async function orphan(organizationId: string, run = 2) {
  const id = `mig_orphan${Math.random().toString(36).slice(2, 10)}`;
  await env.db.query(
    `insert into migration_jobs (id, organization_id, source, status, run, import_options, sealed_credential, updated_at)
     values ($1, $2, 'resend', 'importing', $3, $4, '{}', now() - interval '10 minutes')`,
    [id, organizationId, run, { domains: [], audiences: [], contacts: false, templates: [], suppressionGroups: [], customFields: [], suppressions: false }],
  );
  return id;
}

describe('the reconciler', () => {
  it('gives a job with no live queue work back to the queue for its run, and leaves the others alone', async () => {
    const { org } = await createOrgWithKey(env.db);
    const lost = await orphan(org.id);
    const fresh = await orphan(org.id);
    await env.db.query(`update migration_jobs set updated_at = now() where id = $1`, [fresh]);
    const { requeued } = await reconcileMigrations(env.api.services.pool, env.api.services.jobs, env.api.services.logger);
    expect(requeued).toContain(lost);
    expect(requeued).not.toContain(fresh);
    expect(await queued(lost)).toEqual([expect.objectContaining({ state: 'created', run: 2 })]);
    // Its work is live now: a second pass does nothing more.
    expect((await reconcileMigrations(env.api.services.pool, env.api.services.jobs, env.api.services.logger)).requeued).not.toContain(lost);
  });

  it('fails a job whose work keeps getting lost, with the reason, and /retry works then', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const id = await orphan(org.id);
    for (let i = 0; i < MAX_RECOVERIES; i++) {
      const { requeued } = await reconcileMigrations(env.api.services.pool, env.api.services.jobs, env.api.services.logger, 0);
      expect(requeued).toContain(id);
      // The queue gives up on it again (retries exhausted).
      await env.db.query(`update pgboss.job set state = 'failed' where name = 'migration.import' and data->>'jobId' = $1`, [id]);
    }
    const { failed } = await reconcileMigrations(env.api.services.pool, env.api.services.jobs, env.api.services.logger, 0);
    expect(failed).toEqual([id]);
    const res = await restClient(env.api.url, key).get(`/v1/migrate/${id}`);
    expect(res.body).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/^Stopped in the import: its work was lost 4 times/) });
    // The job failed with a reason, so it can be retried (here it has no real credential: the retry is refused only for that).
    await env.db.query(`update migration_jobs set sealed_credential = $2 where id = $1`, [id, null]);
    expect((await restClient(env.api.url, key).post(`/v1/migrate/${id}/retry`)).body.error.message).toMatch(/credential of this job was wiped/);
  });

  it('leaves a job alone while another process holds its lock', async () => {
    const { org } = await createOrgWithKey(env.db);
    const id = await orphan(org.id);
    const holder = await env.api.services.pool.connect();
    try {
      await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [id]);
      const { requeued } = await reconcileMigrations(env.api.services.pool, env.api.services.jobs, env.api.services.logger, 0);
      expect(requeued).not.toContain(id);
    } finally {
      await holder.query('select pg_advisory_unlock_all()');
      holder.release();
    }
  });
});

describe('approve and retry', () => {
  it('start a new run and queue its work in the same transaction', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const id = `mig_runs${Math.random().toString(36).slice(2, 10)}`;
    await env.db.query(
      `insert into migration_jobs (id, organization_id, source, status, scan_result, sealed_credential)
       values ($1, $2, 'resend', 'ready_for_review', '{"domains":[],"audiences":[]}', '{}')`,
      [id, org.id],
    );
    const client = restClient(env.api.url, key);
    expect((await client.post(`/v1/migrate/${id}/approve`, {})).body.status).toBe('importing');
    expect((await client.post(`/v1/migrate/${id}/cancel`)).body.status).toBe('failed');
    await env.db.query(`update migration_jobs set failed_phase = 'import' where id = $1`, [id]);
    expect((await client.post(`/v1/migrate/${id}/retry`)).body.status).toBe('importing');
    expect((await env.db.query<{ run: number }>('select run from migration_jobs where id = $1', [id]))[0]!.run).toBe(3);
    expect((await queued(id)).map((q) => q.run)).toEqual([2, 3]);
  });
});
