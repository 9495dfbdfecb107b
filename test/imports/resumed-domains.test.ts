import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { testPool } from '../support/test-database.js';
import { createOrgWithKey } from '../support/factories.js';
import { newId } from '../../src/db/ids.js';
import { createConnector } from '../../src/sources/connector-factory.js';
import { createOrFindDomain } from '../../src/modules/domains/domain.repository.js';
import { createAudience } from '../../src/modules/audiences/audience.repository.js';
import { link } from '../../src/modules/source-links/source-link.repository.js';
import { MigrationJobStore } from '../../src/modules/migrations/migration-job.store.js';
import { ImportRunner } from '../../src/modules/imports/import-runner.js';
import type { SourceDomain } from '../../src/sources/source-types.js';

const env = useMigrationEnv({ account: { seed: 83, contacts: 20, lists: 1, domains: 2 }, worker: false });
const pools: pg.Pool[] = [];
afterAll(async () => Promise.all(pools.map((p) => p.end())));

describe('a resumed import', () => {
  it('passes over the domains and audiences its earlier run committed: none is reported as already existing', async () => {
    const { org } = await createOrgWithKey(env.db);
    const pool = testPool(env.db.url, 2);
    pools.push(pool);
    const connector = createConnector('resend', env.credential, {
      RESEND_BASE_URL: env.resend.url, SENDGRID_BASE_URL: 'http://127.0.0.1:9', SENDGRID_CDN_URL: 'http://127.0.0.1:9', MAILGUN_BASE_URL: 'http://127.0.0.1:9', MAILGUN_EU_BASE_URL: 'http://127.0.0.1:9', POSTMARK_BASE_URL: 'http://127.0.0.1:9', PROVIDER_RETRY_SECONDS: 5,
    });
    const domains: SourceDomain[] = [];
    for await (const d of connector.domains()) domains.push(d);
    expect(domains).toHaveLength(2);

    const jobId = newId('mig');
    const [list] = await connector.lists();
    const options = { domains: domains.map((d) => d.name), audiences: [list!.sourceId], contacts: false, templates: [], suppressionGroups: [], customFields: [], suppressions: false };
    // The earlier run committed the first domain, its link and its count, then died.
    await env.db.query(
      `insert into migration_jobs (id, organization_id, source, status, import_options, import_result, progress)
         values ($1, $2, 'resend', 'importing', $3, $4, $5)`,
      [jobId, org.id, options, { imported: { domains: 1, audiences: 1 }, skipped: [], errors: [] }, { phase: 'domains', counts: { domains: { processed: 1, total: 2 } } }],
    );
    const [first] = domains;
    const { id } = await createOrFindDomain(pool, {
      organizationId: org.id, name: first!.name, sourceProvider: 'resend', sourceStatus: first!.status, region: first!.region, dnsRecords: first!.records,
    });
    await link(pool, { organizationId: org.id, provider: 'resend' }, 'domain', first!.sourceId, id, jobId);
    const audienceId = await createAudience(pool, { organizationId: org.id, name: list!.name, sourceProvider: 'resend' });
    await link(pool, { organizationId: org.id, provider: 'resend' }, 'audience', list!.sourceId, audienceId, jobId);

    const job = (await new MigrationJobStore(pool).find({ id: jobId, organizationId: org.id }))!;
    const runner = new ImportRunner(pool, { ...job, importOptions: job.importOptions!, mediaBaseUrl: 'https://api.example.test' }, connector);
    const result = await runner.run();

    expect(result.skipped.filter((e) => e.kind === 'domain' || e.kind === 'audience')).toEqual([]);
    expect(result.imported.audiences).toBe(1);
    expect(result.imported.domains).toBe(2);
    expect(runner.finalProgress().counts.domains).toMatchObject({ processed: 2, total: 2, imported: 2, skipped: 0 });
    const [{ n }] = (await env.db.query<{ n: number }>('select count(*)::int as n from domains where organization_id = $1', [org.id])) as [{ n: number }];
    expect(n).toBe(2);
  });
});
