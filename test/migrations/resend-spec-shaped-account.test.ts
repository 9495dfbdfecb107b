import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';

/**
 * A whole migration of an account whose records are shaped from Resend's official spec (every
 * optional field present or absent, every alternative type, unknown fields and enum values,
 * 5,000-character and unicode strings, NUL characters): it completes, and every record is
 * either imported or listed among the row problems.
 */
const env = useMigrationEnv({
  account: { seed: 41, age: 'new', contacts: 60, lists: 3, domains: 4, templates: 8, topics: 3, properties: 4, suppressions: 30 },
  specShapes: { seed: 9 },
});

type Entry = { kind: string; reason: string; count: number; examples: string[] };
const problems = (errors: Entry[], kind: string) => errors.filter((e) => e.kind === kind).reduce((n, e) => n + e.count, 0);

describe('a Resend account shaped by the official spec', () => {
  it('imports to completed, every unreadable record listed in errors, none fatal', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const scanned = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => !['pending', 'scanning'].includes(r.body.status), 60_000);
    expect(scanned.body.status, scanned.body.error_message).toBe('ready_for_review');
    await client.post(`/v1/migrate/${id}/approve`, {});
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 150_000);
    expect(done.body.status, done.body.error_message).toBe('completed');

    const truth = env.resend.specRecords!;
    const result = done.body.import_result as { imported: Record<string, number>; errors: Entry[] };
    const count = async (table: string) =>
      (await env.db.query<{ n: number }>(`select count(*)::int as n from ${table} where organization_id = $1`, [org.id]))[0]!.n;
    expect((await count('templates')) + problems(result.errors, 'template')).toBe(truth.templates.length);
    expect((await count('domains')) + problems(result.errors, 'domain')).toBe(truth.domains.length);
    expect(await count('suppression_groups')).toBe(truth.topics.length);
    expect(await count('custom_fields')).toBe(truth.contactProperties.length);
    // Every template the spec lets us have is there with its variables, fallbacks of any type kept.
    const variables = await env.db.query<{ variables: { key: string; fallback: unknown }[] }>(
      'select variables from templates where organization_id = $1', [org.id]);
    const servedFallbacks = truth.templates.flatMap((t) => ((t.variables as { fallback_value?: unknown }[] | undefined) ?? []).filter((v) => typeof v.fallback_value === 'object'));
    if (servedFallbacks.length) expect(variables.flatMap((v) => v.variables).some((v) => typeof v.fallback === 'string' && /^[[{]/.test(v.fallback))).toBe(true);
    // Re-running it changes nothing and fails nothing.
    const again = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
    await eventually(() => client.get(`/v1/migrate/${again.body.id}`), (r) => r.body.status === 'ready_for_review', 60_000);
    await client.post(`/v1/migrate/${again.body.id}/approve`, {});
    const rerun = await eventually(() => client.get(`/v1/migrate/${again.body.id}`), (r) => r.body.status !== 'importing', 150_000);
    expect(rerun.body.status, rerun.body.error_message).toBe('completed');
    expect(rerun.body.import_result.imported.contacts).toBe(0);
    expect(rerun.body.import_result.imported.templates).toBe(0);
  });
});
