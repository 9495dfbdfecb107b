import { describe, expect, it } from 'vitest';
import { useDatabaseWithPool } from '../support/test-database.js';
import { createOrgWithKey } from '../support/factories.js';
import { parseEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import { handleCredentialJanitor } from '../../workers/handlers/credential-janitor.js';
import type { WorkerServices } from '../../workers/worker-runtime.js';

const database = useDatabaseWithPool();

describe('the credential janitor', () => {
  it('wipes sealed credentials of failed jobs past the retention period, and only those', async () => {
    const { org } = await createOrgWithKey(database.db);
    const sealed = JSON.stringify({ v: 1, alg: 'AES-256-GCM', kek: 'local', iv: 'x', tag: 'y', ciphertext: 'z' });
    const rows: [string, string, string][] = [
      ['mig_old_failed', 'failed', '200 hours'],
      ['mig_new_failed', 'failed', '1 hour'],
      ['mig_old_ready', 'ready_for_review', '200 hours'],
    ];
    for (const [id, status, age] of rows) {
      await database.db.query(
        `insert into migration_jobs (id, organization_id, source, status, sealed_credential, completed_at, updated_at)
         values ($1, $2, 'resend', $3, $4, now() - $5::interval, now() - $5::interval)`,
        [id, org.id, status, sealed, age],
      );
    }
    const env = parseEnv({ CREDENTIAL_RETENTION_HOURS: '168' });
    const services = { pool: database.pool, env, logger: createLogger('silent', 'test') } as unknown as WorkerServices;
    await handleCredentialJanitor({}, {} as never, services);
    const left = await database.db.query<{ id: string; wiped: boolean }>(
      `select id, sealed_credential is null as wiped from migration_jobs where organization_id = $1 order by id`, [org.id]);
    expect(left).toEqual([
      { id: 'mig_new_failed', wiped: false },
      { id: 'mig_old_failed', wiped: true },
      { id: 'mig_old_ready', wiped: false },
    ]);
  });

  it('deletes the uploads of failed jobs past the retention period with their records, and records whose upload is gone', async () => {
    const { org } = await createOrgWithKey(database.db);
    const job = (id: string, status: string, age: string) =>
      database.db.query(
        `insert into migration_jobs (id, organization_id, source, status, completed_at, updated_at) values ($1, $2, 'resend', $3, now() - $4::interval, now() - $4::interval)`,
        [id, org.id, status, age],
      );
    const upload = async (id: string, jobId: string) => {
      await database.db.query(`insert into migration_uploads (id, organization_id, job_id, status) values ($1, $2, $3, 'ready')`, [id, org.id, jobId]);
      await database.db.query(`insert into upload_rows (upload_id, seq, line, email, data) values ($1, 0, 2, 'a@example.com', '{}')`, [id]);
    };
    await job('mig_up_old_failed', 'failed', '200 hours');
    await job('mig_up_new_failed', 'failed', '1 hour');
    await upload('upl_old', 'mig_up_old_failed');
    await upload('upl_new', 'mig_up_new_failed');
    await database.db.query(`insert into upload_rows (upload_id, seq, line, email, data) values ('upl_orphan', 0, 2, 'b@example.com', '{}')`);
    const env = parseEnv({ CREDENTIAL_RETENTION_HOURS: '168' });
    await handleCredentialJanitor({}, {} as never, { pool: database.pool, env, logger: createLogger('silent', 'test') } as unknown as WorkerServices);
    expect(await database.db.query(`select id from migration_uploads where organization_id = $1`, [org.id])).toEqual([{ id: 'upl_new' }]);
    expect(await database.db.query(`select upload_id from upload_rows where upload_id in ('upl_old', 'upl_new', 'upl_orphan')`)).toEqual([{ upload_id: 'upl_new' }]);
  });
});
