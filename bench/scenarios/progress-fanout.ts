import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Scenario, ScenarioResult } from '../harness.js';
import { startProcess } from '../../test/support/processes.js';
import { freePort } from '../../test/support/ports.js';
import { createApiKey, createOrganization } from '../../src/modules/api-keys/api-key.service.js';

const UPDATES = 20;
const SPACING_MS = 300; // above the 250 ms coalescing window, so every update is published

const QUERY = 'subscription ($id: ID!) { migrationProgress(id: $id) { status counts { kind processed } } }';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Progress fan-out: N graphql-ws subscribers on one API process (its own process) follow a job
 * whose progress a simulated worker updates 20 times; the delay from COMMIT (which sends the
 * NOTIFY) to each client is measured. Baseline: one subscriber, same run.
 */
export const progressFanoutScenario: Scenario = {
  name: 'progress-fanout',
  describe: '1,000 graphql-ws subscribers on one API process: delay from NOTIFY to client',
  async run(ctx) {
    const db = await ctx.database();
    const port = await freePort();
    const kek = randomBytes(32).toString('base64');
    const api = startProcess('src/api.ts', { DATABASE_URL: db.url, MIGRATE_KEK: kek, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test',
      // A thousand clients on one loopback address: the per-address limit is not what is measured.
      RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0' });
    try {
      await api.waitFor(/API listening|"level":(40|50)/, 60_000).catch(async () => undefined);
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      const em = db.orm.em.fork();
      const org = await createOrganization(em, `Bench ${randomBytes(3).toString('hex')}`);
      const { plaintext: key } = await createApiKey(em, { organizationId: org.id, scope: 'read_only' });

      const run = async (subscribers: number) => {
        const jobId = `mig_bench_${randomBytes(6).toString('hex')}`;
        await db.pool.query(
          `insert into migration_jobs (id, organization_id, source, status, progress) values ($1, $2, 'resend', 'importing', '{"phase":"contacts","counts":{}}')`,
          [jobId, org.id],
        );
        const arrivals: number[][] = Array.from({ length: UPDATES }, () => []);
        const clients: Client[] = [];
        let ready = 0;
        const completions: Promise<void>[] = [];
        for (let i = 0; i < subscribers; i++) {
          const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { apiKey: key }, retryAttempts: 0 });
          clients.push(client);
          let first = true;
          let lastSeen = 0;
          completions.push(
            new Promise<void>((resolve, reject) => {
              client.subscribe<{ migrationProgress: { counts: { kind: string; processed: number }[] } }>(
                { query: QUERY, variables: { id: jobId } },
                {
                  next: (r) => {
                    const now = performance.now();
                    if (first) return void ((first = false), ready++);
                    const processed = r.data?.migrationProgress.counts.find((c) => c.kind === 'contacts')?.processed;
                    // Count each update's first arrival only (the terminal state repeats the last counts).
                    if (processed !== undefined && processed > lastSeen) {
                      lastSeen = processed;
                      arrivals[processed - 1]!.push(now);
                    }
                  },
                  error: reject,
                  complete: resolve,
                },
              );
            }),
          );
        }
        while (ready < subscribers) await new Promise((r) => setTimeout(r, 20));
        const committed: number[] = [];
        for (let i = 1; i <= UPDATES; i++) {
          await db.pool.query(
            `update migration_jobs set progress = jsonb_build_object('phase', 'contacts', 'counts', jsonb_build_object('contacts', jsonb_build_object('processed', $2::int, 'total', $3::int))) where id = $1`,
            [jobId, i, UPDATES],
          );
          committed.push(performance.now());
          await new Promise((r) => setTimeout(r, SPACING_MS));
        }
        await db.pool.query(`update migration_jobs set status = 'completed' where id = $1`, [jobId]);
        await Promise.all(completions);
        await Promise.all(clients.map((c) => c.dispose()));
        const delays = arrivals.flatMap((times, i) => times.map((t) => t - committed[i]!)).sort((a, b) => a - b);
        const complete = arrivals.every((times) => times.length === subscribers);
        return { p50: percentile(delays, 50), p99: percentile(delays, 99), complete, received: delays.length };
      };

      const single = await run(1);
      const many = await run(ctx.scaled(1000));
      const round = (n: number) => Math.round(n * 10) / 10;
      const results: ScenarioResult[] = [
        {
          name: `progress fan-out p99 (${ctx.scaled(1000)} subscribers)`,
          figure: round(many.p99),
          baseline: round(single.p99),
          ratio: round(many.p99 / Math.max(single.p99, 0.1)),
          unit: 'ms',
          target: 'p99 < 100 ms, every update to every subscriber',
          met: many.p99 < 100 && many.complete,
          notes: `p50 ${round(many.p50)} ms (1 subscriber: p50 ${round(single.p50)} ms); ${many.received} of ${ctx.scaled(1000) * UPDATES} updates received`,
        },
      ];
      return results;
    } finally {
      await api.stop();
      await db.drop();
    }
  },
};

async function waitForHttp(url: string) {
  for (let i = 0; i < 300; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}
