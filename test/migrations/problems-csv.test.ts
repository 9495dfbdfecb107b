import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';

const env = useMigrationEnv({ account: { seed: 97, contacts: 2400, lists: 2, invalidShare: 0.06 } });

describe('GET /v1/migrate/:id/problems.csv', () => {
  it('lists every row problem the job stored, one per line, and another organization gets not_found', async () => {
    const { key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    const id = (await client.post('/v1/migrate', { source: 'resend', credential: env.credential })).body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    await client.post(`/v1/migrate/${id}/approve`, { options: { ignoreCustomFields: true, ignoreTopics: true } });
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'completed');

    const stored = await env.db.query<{ kind: string; source_id: string; reason: string }>('select kind, source_id, reason from import_problems where job_id = $1 order by source_id', [id]);
    expect(stored.length).toBeGreaterThan(100); // more than one page of the connection
    const res = await fetch(`${env.api.url}/v1/migrate/${id}/problems.csv`, { headers: { authorization: `Bearer ${key}` } });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(stored.length);
    // A cell that a spreadsheet would run as a formula (=, +, -, @) is written with a leading quote.
    const unquoted = (cell: string) => cell.replace(/^'(?=[=+\-@\t\r])/, '');
    expect(rows.map((r) => unquoted(Object.values(r)[1]!)).sort()).toEqual(stored.map((s) => s.source_id).sort());

    const other = await createOrgWithKey(env.db);
    const foreign = await fetch(`${env.api.url}/v1/migrate/${id}/problems.csv`, { headers: { authorization: `Bearer ${other.key}` } });
    expect(foreign.status).toBe(404);
  });
});
