import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';

const env = useMigrationEnv({ account: { seed: 5, age: 'new', contacts: 5, lists: 1 }, worker: false });

async function post(key: string, path: string, body: unknown, idempotencyKey?: string) {
  const res = await fetch(`${env.api.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as any };
}

describe('Idempotency-Key on the REST shim', () => {
  it('answers a retried POST /v1/migrate with the first answer and creates one job', async () => {
    const { org, key } = await createOrgWithKey(env.db, 'full_access');
    const body = { source: 'resend', credential: env.credential };
    const first = await post(key, '/v1/migrate', body, 'start-1');
    const again = await post(key, '/v1/migrate', body, 'start-1');
    expect(first.status).toBe(201);
    expect(again).toEqual({ ...first, replayed: 'true' });
    const jobs = await env.db.query('select id from migration_jobs where organization_id = $1', [org.id]);
    expect(jobs).toEqual([{ id: first.body.id }]);

    const other = await post(key, '/v1/migrate', { ...body, source: 'sendgrid' }, 'start-1');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('validation_error');
    expect(JSON.stringify(other.body)).not.toContain(env.credential);
    // Without a key, a retry is a second job, as before.
    expect((await post(key, '/v1/migrate', body)).status).toBe(201);
    expect(await env.db.query('select id from migration_jobs where organization_id = $1', [org.id])).toHaveLength(2);
  });

  it('replays a cancel instead of answering the retry with 409', async () => {
    const { org, key } = await createOrgWithKey(env.db, 'full_access');
    await env.db.query(
      `insert into migration_jobs (id, organization_id, source, status) values ('mig_idem_cancel', $1, 'resend', 'scanning')`,
      [org.id],
    );
    const first = await post(key, '/v1/migrate/mig_idem_cancel/cancel', {}, 'cancel-1');
    expect(first.body).toMatchObject({ status: 'failed', error_message: 'cancelled' });
    expect(await post(key, '/v1/migrate/mig_idem_cancel/cancel', {}, 'cancel-1')).toEqual({ ...first, replayed: 'true' });
    expect((await post(key, '/v1/migrate/mig_idem_cancel/cancel', {}, 'cancel-2')).status).toBe(409);
  });
});
