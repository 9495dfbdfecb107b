import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';

// 350 suppressions: four pages of Resend's 100.
const env = useMigrationEnv({
  account: { seed: 23, age: 'new', contacts: 20, lists: 1, suppressions: 350, templates: 0, topics: 0, properties: 0 },
  // The outage below must outlast the provider retry budget.
  settings: { PROVIDER_RETRY_SECONDS: '3' },
});

const SUPPRESSIONS_ONLY = { ignoreDomains: true, ignoreAudiences: true, ignoreContacts: true, ignoreTemplates: true, ignoreCustomFields: true, ignoreTopics: true };

describe('the Resend suppressions phase', () => {
  it('resumes after its last committed page when a failed import is retried', { timeout: 120_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
    const id = started.body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');

    // Two pages go through, then the provider fails past every retry.
    const outage = env.resend.faults.inject({ path: '/suppressions', after: 2, times: 1000, kind: 'status', status: 500 });
    const before = env.resend.stats.byRoute['GET /suppressions'] ?? 0;
    await client.post(`/v1/migrate/${id}/approve`, { options: SUPPRESSIONS_ONLY });
    const failed = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'failed', 90_000);
    expect(failed.body.error_message).toMatch(/GET \/suppressions/);
    const [kept] = await env.db.query<{ count: number }>('select count(*)::int as count from suppressions where organization_id = $1', [org.id]);
    expect(kept!.count).toBe(200);

    outage.remove();
    const beforeRetry = env.resend.stats.byRoute['GET /suppressions'] ?? 0;
    expect(beforeRetry - before).toBeGreaterThan(2);
    await client.post(`/v1/migrate/${id}/retry`);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'completed', 60_000);
    // Pages three and four only: the first two were not read again.
    expect((env.resend.stats.byRoute['GET /suppressions'] ?? 0) - beforeRetry).toBe(2);
    const truth = env.resend.account.suppressions.length;
    const [row] = await env.db.query<{ count: number }>(
      "select count(*)::int as count from suppressions where organization_id = $1 and reason <> 'unsubscribe'", [org.id]);
    const count = row!.count;
    expect(count).toBeLessThanOrEqual(truth);
    expect(count + done.body.import_result.errors.filter((e: { kind: string }) => e.kind === 'suppression').reduce((n: number, e: { count: number }) => n + e.count, 0)).toBe(truth);
  });
});
