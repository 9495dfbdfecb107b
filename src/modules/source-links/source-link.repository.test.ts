import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useDatabaseWithPool } from '../../../test/support/test-database.js';
import { createOrgWithKey } from '../../../test/support/factories.js';
import { newId } from '../../db/ids.js';
import { link, linkedId, linkingJob, localIds } from './source-link.repository.js';

const env = useDatabaseWithPool();

describe('source links', () => {
  it('keep a source id of any length (a long one by its digest) and find it by the id itself', async () => {
    const { org } = await createOrgWithKey(env.db);
    const jobId = newId('mig');
    await env.pool.query(`insert into migration_jobs (id, organization_id, source, status) values ($1, $2, 'resend', 'importing')`, [jobId, org.id]);
    const scope = { organizationId: org.id, provider: 'resend' as const };
    // Random, so the primary key cannot compress it: stored as it is, this did not fit.
    const long = randomBytes(2_500).toString('hex');
    const short = 'dom_1';
    await link(env.pool, scope, 'domain', long, 'local-long', jobId);
    await link(env.pool, scope, 'domain', short, 'local-short', jobId);
    await link(env.pool, scope, 'domain', long, 'local-other', jobId); // the first link wins

    expect(await linkedId(env.pool, scope, 'domain', long)).toBe('local-long');
    expect(await linkingJob(env.pool, scope, 'domain', long)).toBe(jobId);
    const ids = await localIds(env.pool, scope, 'domain');
    expect([ids.get(long), ids.get(short), ids.has(long), ids.get(`${long}x`)]).toEqual(['local-long', 'local-short', true, undefined]);
    const stored = await env.pool.query<{ source_id: string }>('select source_id from source_links where organization_id = $1 order by source_id', [org.id]);
    expect(stored.rows.map((r) => r.source_id)).toEqual([short, expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
  });
});
