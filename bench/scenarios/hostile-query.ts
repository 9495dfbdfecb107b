import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Scenario, ScenarioResult } from '../harness.js';
import { startProcess } from '../../test/support/processes.js';

const REQUESTS = 200;
const PROBE_SECONDS = 3;
const ATTACKERS = 4;

/** CPU seconds (user + system) the process has used so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the whole line; 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const post = (url: string, query: string) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
    async (r) => ({ status: r.status, body: await r.text() }),
  );

/**
 * The request that used to stall every tenant: an unauthenticated `{ viewer { scope ×5000 } }`
 * (30 kB) and `×8000` (48 kB). Measured on a real API process: its CPU per refusal against its
 * CPU per trivial query, and /healthz latency while four clients send nothing but such queries,
 * against /healthz on the idle process.
 */
export const hostileQueryScenario: Scenario = {
  name: 'hostile-query',
  describe: 'API CPU per refused 30–48 kB query, /healthz latency under a flood of them',
  async run(ctx) {
    const db = await ctx.database();
    const api = startProcess('src/api.ts', {
      DATABASE_URL: db.url, MIGRATE_KEK: randomBytes(32).toString('base64'), PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test',
      RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0',
    });
    try {
      const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(await api.waitFor(/API listening/, 60_000))![1]!;
      const pid = api.child.pid!;
      const hostile = [5000, 8000].map((n) => `{ viewer { ${'scope '.repeat(n)}} }`);
      const cpuPer = async (queries: string[]) => {
        const before = await cpuSeconds(pid);
        for (let i = 0; i < REQUESTS; i++) await post(url, queries[i % queries.length]!);
        return ((await cpuSeconds(pid)) - before) / REQUESTS;
      };
      await cpuPer(['{ __typename }']); // warm-up
      const trivialCpu = await cpuPer(['{ __typename }']);
      const refusalCpu = await cpuPer(hostile);
      const refused = await post(url, hostile[1]!);

      const probe = async (seconds: number) => {
        const latencies: number[] = [];
        const until = Date.now() + seconds * 1000;
        while (Date.now() < until) {
          const started = performance.now();
          await fetch(`${url}/healthz`).then((r) => r.arrayBuffer());
          latencies.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 20));
        }
        return latencies;
      };
      const idle = await probe(1);
      let sent = 0;
      let stop = false;
      const attackers = Array.from({ length: ATTACKERS }, async () => {
        while (!stop) {
          await post(url, hostile[sent++ % 2]!);
        }
      });
      const underAttack = await probe(PROBE_SECONDS);
      stop = true;
      await Promise.all(attackers);

      const ms = (s: number) => Math.round(s * 1000 * 100) / 100;
      const round = (n: number) => Math.round(n * 100) / 100;
      const cpuMs = ms(refusalCpu);
      const p99 = round(percentile(underAttack, 99));
      const idleP99 = round(percentile(idle, 99));
      return [
        {
          name: 'hostile query: API CPU per refusal',
          figure: cpuMs,
          baseline: ms(trivialCpu),
          ratio: round(refusalCpu / Math.max(trivialCpu, 0.0001)),
          unit: 'ms',
          target: '< 100 ms of CPU per refused query',
          met: cpuMs < 100 && refused.status === 400,
          notes: `${REQUESTS} requests each (30 kB and 48 kB alternating); answered ${refused.status}: ${refused.body.slice(0, 120)}`,
        },
        {
          name: 'hostile query: /healthz p99 under flood',
          figure: p99,
          baseline: idleP99,
          ratio: round(p99 / Math.max(idleP99, 0.01)),
          unit: 'ms',
          target: 'p99 < 100 ms while 4 clients flood',
          met: p99 < 100,
          notes: `${underAttack.length} probes while ${sent} hostile queries were refused in ${PROBE_SECONDS} s`,
        },
      ] satisfies ScenarioResult[];
    } finally {
      await api.stop();
      await db.drop();
    }
  },
};
