import { describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { wsClient } from '../support/ws-client.js';
import { eventually } from '../support/test-worker.js';

const env = useMigrationEnv({ account: { seed: 73, contacts: 500, lists: 2, templates: 4, suppressions: 30 }, rateLimit: 100 });

const PROGRESS_FIELDS = `id status phase percent etaSeconds errorMessage failedPhase updatedAt
  counts { kind processed total imported skipped errors }
  scanned { kind found }
  result { imported { counter count } }`;

interface Progress {
  id: string;
  status: string;
  phase: string | null;
  percent: number | null;
  etaSeconds: number | null;
  errorMessage: string | null;
  failedPhase: string | null;
  updatedAt: string;
  counts: { kind: string; processed: number; total: number | null; imported: number; skipped: number; errors: number }[];
  scanned: { kind: string; found: number }[];
  result: { imported: { counter: string; count: number }[] } | null;
}

/** Collects a subscription's states until the server completes it (or `stop` is called). */
function subscribe(client: Client, query: string, field: string, variables?: Record<string, unknown>) {
  const states: Progress[] = [];
  let stop = () => {};
  const done = new Promise<Progress[]>((resolve, reject) => {
    stop = client.subscribe<Record<string, Progress>>(
      { query, variables },
      {
        next: (r) => (r.errors ? reject(new Error(r.errors[0]!.message)) : states.push(r.data![field]!)),
        error: reject,
        complete: () => resolve(states),
      },
    );
  });
  return { states, done, stop: () => stop() };
}

function followJob(key: string, id: string) {
  const client = wsClient(env.api.url, key);
  const sub = subscribe(client, `subscription ($id: ID!) { migrationProgress(id: $id) { ${PROGRESS_FIELDS} } }`, 'migrationProgress', { id });
  // An error result rejects `done`: surfaced by the test that awaits it, not here.
  void sub.done.finally(() => client.dispose()).catch(() => {});
  return sub;
}

async function startScan(key: string) {
  const client = restClient(env.api.url, key);
  const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
  return { client, id };
}

const THREE_KINDS = { ignoreCustomFields: true, ignoreTopics: true, ignoreDomains: true };

describe('migrationProgress, followed as a dashboard would', () => {
  it('shows every selected kind with its total from approval, a percent that never falls, an ETA on every importing update after the first batch, and the result on the terminal update', async () => {
    const { key } = await createOrgWithKey(env.db);
    const { client, id } = await startScan(key);
    const watcher = followJob(key, id);
    await eventually(async () => watcher.states.length, (n) => n > 0);
    env.resend.setRateLimit(8);
    try {
      expect((await client.post(`/v1/migrate/${id}/approve`, { options: THREE_KINDS })).status).toBe(200);
      const states = await watcher.done;

      const importing = states.filter((s) => s.status === 'importing');
      expect(importing.length).toBeGreaterThanOrEqual(4);
      // Every selected kind is known, with a total, from the first importing update on.
      for (const s of importing) {
        for (const kind of ['audiences', 'contacts', 'templates', 'suppressions']) {
          expect(s.counts.find((c) => c.kind === kind)?.total, `${kind} on ${JSON.stringify(s)}`).toBeGreaterThan(0);
        }
      }
      const percents = states.map((s) => s.percent).filter((p): p is number => p !== null);
      for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);
      expect(importing.every((s) => s.percent! < 100)).toBe(true);

      const firstBatch = importing.findIndex((s) => s.counts.some((c) => c.processed > 0));
      expect(firstBatch).toBeGreaterThanOrEqual(0);
      const afterFirst = importing.slice(firstBatch);
      expect(afterFirst.filter((s) => s.etaSeconds === null)).toEqual([]);

      const last = states.at(-1)!;
      expect(last).toMatchObject({ status: 'completed', phase: 'done', percent: 100, etaSeconds: 0, errorMessage: null });
      const imported = Object.fromEntries(last.result!.imported.map((e) => [e.counter, e.count]));
      const contacts = last.counts.find((c) => c.kind === 'contacts')!;
      expect(contacts.imported).toBe(imported.contacts);
      expect(contacts.imported).toBeGreaterThan(0);
      expect(contacts.processed).toBe(contacts.total);
      expect(last.counts.find((c) => c.kind === 'templates')).toMatchObject({ processed: 4, total: 4 });
      // Only the selected kinds: domains, custom fields and topics were ignored.
      expect(last.counts.map((c) => c.kind)).not.toEqual(expect.arrayContaining(['domains']));
    } finally {
      env.resend.setRateLimit(100);
    }
  });

  it('counts while scanning, and keeps the counts with the scan result', async () => {
    const { key } = await createOrgWithKey(env.db);
    const client = restClient(env.api.url, key);
    // Slow enough that the scan outlasts several 250 ms count saves even when the subscription
    // starts late on a loaded machine (at 8 requests a second CI once saw a single one).
    env.resend.setRateLimit(3);
    try {
      const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
      const watcher = followJob(key, started.body.id as string);
      await eventually(async () => watcher.states.at(-1)?.status, (s) => s === 'ready_for_review', 60_000);
      watcher.stop();
      const contactsFound = (s: Progress) => s.scanned.find((c) => c.kind === 'contacts')?.found ?? 0;
      const scanning = watcher.states.filter((s) => s.status === 'scanning');
      const counted = scanning.map(contactsFound).filter((n) => n > 0);
      expect(counted.length).toBeGreaterThan(1);
      for (let i = 1; i < counted.length; i++) expect(counted[i]!).toBeGreaterThanOrEqual(counted[i - 1]!);
      const scan = (await client.get(`/v1/migrate/${started.body.id}`)).body.scan_result;
      const ready = watcher.states.at(-1)!;
      expect(contactsFound(ready)).toBe(scan.contacts.total);
      expect(ready.scanned.find((c) => c.kind === 'templates')?.found).toBe(4);
    } finally {
      env.resend.setRateLimit(100);
    }
  });

  it('ends a cancelled import with status failed, the error message, the phase and the result so far', async () => {
    const { key } = await createOrgWithKey(env.db);
    const { client, id } = await startScan(key);
    env.resend.setRateLimit(5);
    try {
      await client.post(`/v1/migrate/${id}/approve`, { options: THREE_KINDS });
      const watcher = followJob(key, id);
      await eventually(async () => watcher.states.some((s) => s.counts.some((c) => c.processed > 0)), Boolean);
      expect((await client.post(`/v1/migrate/${id}/cancel`)).status).toBe(200);
      const last = (await watcher.done).at(-1)!;
      expect(last).toMatchObject({ status: 'failed', errorMessage: 'cancelled', failedPhase: 'import', etaSeconds: null });
      expect(last.result).not.toBeNull();
      expect(last.percent).toBeGreaterThan(0);
    } finally {
      env.resend.setRateLimit(100);
    }
  });
});
