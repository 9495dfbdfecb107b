import { describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { wsClient } from '../support/ws-client.js';
import { eventually } from '../support/test-worker.js';
import { newId } from '../../src/db/ids.js';

const env = useMigrationEnv({ account: { seed: 79, contacts: 120, lists: 2 }, rateLimit: 100 });

interface Change {
  id: string;
  status: string;
  percent: number | null;
  errorMessage: string | null;
  counts: { kind: string; processed: number }[];
}

const CHANGES = 'subscription { migrationsChanged { id status percent errorMessage counts { kind processed } } }';

function collectChanges(client: Client) {
  const changes: Change[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ migrationsChanged: Change }>(
    { query: CHANGES },
    { next: (r) => (r.errors ? errors.push(r.errors) : changes.push(r.data!.migrationsChanged)), error: (e) => errors.push(e), complete: () => {} },
  );
  return { changes, errors, stop };
}

/** A job row written as a worker would, without one: the test controls every update's timing. */
async function insertImportingJob(organizationId: string) {
  const id = newId('mig');
  await env.db.query(
    `insert into migration_jobs (id, organization_id, source, status, progress) values ($1, $2, 'resend', 'importing', '{"phase":"contacts","counts":{}}')`,
    [id, organizationId],
  );
  return id;
}

async function setProcessed(id: string, processed: number) {
  await env.db.query(
    `update migration_jobs set updated_at = now(), progress = jsonb_build_object('phase', 'contacts', 'percent', $2::int,
       'counts', jsonb_build_object('contacts', jsonb_build_object('processed', $2::int, 'total', 100))) where id = $1`,
    [id, processed],
  );
}

describe('migrationsChanged', () => {
  it('shows one organization every job as it starts, moves and ends, and another organization none of it', async () => {
    const a = await createOrgWithKey(env.db);
    const b = await createOrgWithKey(env.db, 'read_only');
    const watchA = wsClient(env.api.url, a.key);
    const watchB = wsClient(env.api.url, b.key);
    const seenByA = collectChanges(watchA);
    const seenByB = collectChanges(watchB);
    try {
      // Subscribed before anything starts: a query that answers proves the sockets are up.
      await Promise.all([watchA, watchB].map((c) => new Promise((resolve) => c.subscribe({ query: '{ viewer { scope } }' }, { next: resolve, error: resolve, complete: () => {} }))));
      await new Promise((r) => setTimeout(r, 200));

      const client = restClient(env.api.url, a.key);
      const first = (await client.post('/v1/migrate', { source: 'resend', credential: env.credential })).body.id as string;
      const second = (await client.post('/v1/migrate', { source: 'resend', credential: env.credential })).body.id as string;
      await eventually(() => client.get(`/v1/migrate/${first}`), (r) => r.body.status === 'ready_for_review');
      await client.post(`/v1/migrate/${first}/approve`, { options: { ignoreCustomFields: true, ignoreTopics: true } });
      await client.post(`/v1/migrate/${second}/cancel`);
      await eventually(() => client.get(`/v1/migrate/${first}`), (r) => r.body.status === 'completed');

      const statusesOf = (id: string) => seenByA.changes.filter((c) => c.id === id).map((c) => c.status);
      await eventually(async () => statusesOf(first).at(-1), (s) => s === 'completed', 10_000);
      await eventually(async () => statusesOf(second).at(-1), (s) => s === 'failed', 10_000);
      expect(statusesOf(first)[0]).toBe('pending');
      expect(statusesOf(first)).toEqual(expect.arrayContaining(['pending', 'ready_for_review', 'importing', 'completed']));
      expect(statusesOf(second)[0]).toBe('pending');
      expect(seenByA.changes.find((c) => c.id === second && c.status === 'failed')?.errorMessage).toBe('cancelled');
      expect(seenByA.changes.filter((c) => c.id === first && c.status === 'completed').at(-1)?.percent).toBe(100);
      expect(seenByA.errors).toEqual([]);

      // The other organization saw none of it (and is still subscribed: it sees its own job).
      const own = await insertImportingJob(b.org.id);
      await eventually(async () => seenByB.changes.map((c) => c.id), (ids) => ids.includes(own), 10_000);
      expect(seenByB.changes.map((c) => c.id)).toEqual([own]);
      expect(seenByA.changes.map((c) => c.id)).not.toContain(own);
    } finally {
      seenByA.stop();
      seenByB.stop();
      await Promise.all([watchA.dispose(), watchB.dispose()]);
    }
  });
});

describe('coalescing', () => {
  it('delivers the latest counters of a burst within a second, without waiting for another update', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const id = await insertImportingJob(org.id);
    const client = wsClient(env.api.url, key);
    const seen: { processed: number; at: number }[] = [];
    const stop = client.subscribe<{ migrationProgress: { counts: { kind: string; processed: number }[] } }>(
      { query: 'subscription ($id: ID!) { migrationProgress(id: $id) { counts { kind processed } } }', variables: { id } },
      { next: (r) => seen.push({ processed: r.data?.migrationProgress.counts[0]?.processed ?? 0, at: Date.now() }), error: () => {}, complete: () => {} },
    );
    try {
      await eventually(async () => seen.length, (n) => n >= 1, 10_000);
      // Five commits inside one coalescing window (250 ms), then nothing more.
      for (let i = 1; i <= 5; i++) await setProcessed(id, i * 10);
      const lastCommit = Date.now();
      await eventually(async () => seen.at(-1)?.processed, (p) => p === 50, 2_000);
      const arrived = seen.find((s) => s.processed === 50)!;
      expect(arrived.at - lastCommit).toBeLessThan(1_000);
      // Fewer deliveries than commits: the burst was coalesced, its last state kept.
      expect(seen.length - 1).toBeLessThan(5);
    } finally {
      stop();
      await client.dispose();
    }
  });
});

describe('GraphQL over server-sent events', () => {
  it('streams migrationProgress to a client without WebSocket, and completes after the terminal state', async () => {
    const { org, key } = await createOrgWithKey(env.db, 'read_only');
    const id = await insertImportingJob(org.id);
    const res = await fetch(`${env.api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: 'subscription ($id: ID!) { migrationProgress(id: $id) { status percent counts { kind processed } } }', variables: { id } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    };
    await readUntil(/"importing"/);
    await setProcessed(id, 40);
    await readUntil(/"processed":40/);
    await env.db.query(`update migration_jobs set status = 'completed', completed_at = now() where id = $1`, [id]);
    await readUntil(/event: complete/);
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: next'))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { data: { migrationProgress: { status: string; percent: number | null } } });
    expect(events.map((e) => e.data.migrationProgress.status)).toEqual(['importing', 'importing', 'completed']);
    expect(events.at(-1)!.data.migrationProgress.percent).toBe(100);
    expect(text).toMatch(/event: complete/);
  });
});
