import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { wsClient } from '../support/ws-client.js';
import { ensureQueues } from '../../workers/worker-runtime.js';
import { migrationScanJob } from '../../src/jobs/job-definitions.js';

const env = useMigrationEnv({ account: { seed: 5, contacts: 5, lists: 1 }, worker: false });

describe('starting a migration while its work cannot be queued', () => {
  it('answers 503 and leaves no job behind, not even for a moment on migrationsChanged', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const seen: string[] = [];
    const ws = wsClient(env.api.url, key);
    const stop = ws.subscribe<{ migrationsChanged: { id: string } }>(
      { query: 'subscription { migrationsChanged { id } }' },
      { next: (r) => r.data && seen.push(r.data.migrationsChanged.id), error: () => {}, complete: () => {} },
    );
    const boss = env.api.services.jobs.boss;
    try {
      // The feed sends nothing on subscribing: jobs are started until one shows, so it is live.
      const client = restClient(env.api.url, key);
      const created: string[] = [];
      for (let attempt = 0; attempt < 10 && !created.some((id) => seen.includes(id)); attempt++) {
        const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
        expect(started.status).toBe(201);
        created.push(started.body.id as string);
        await expect.poll(() => seen.includes(created.at(-1)!), { timeout: 2_000 }).toBe(true).catch(() => {});
      }
      expect(created.some((id) => seen.includes(id))).toBe(true);

      await boss.deleteQueue(migrationScanJob.name);
      const refused = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('service_unavailable');
      expect((await env.db.query<{ id: string }>('select id from migration_jobs where organization_id = $1 order by created_at', [org.id])).map((j) => j.id).sort()).toEqual([...created].sort());

      await ensureQueues(boss, env.api.services.env);
      const last = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
      expect(last.status).toBe(201);
      created.push(last.body.id as string);
      await expect.poll(() => seen, { timeout: 10_000 }).toContain(last.body.id);
      // Only jobs that exist were ever on the feed: the refused one never was.
      expect(seen.filter((id) => !created.includes(id))).toEqual([]);
    } finally {
      stop();
      await ws.dispose();
      await ensureQueues(boss, env.api.services.env);
    }
  });
});
