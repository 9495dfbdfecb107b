import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Scenario, ScenarioResult } from '../harness.js';
import { startProcess, startProcessWithArgs, type ManagedProcess } from '../../test/support/processes.js';
import { freePort } from '../../test/support/ports.js';
import { createApiKey, createOrganization } from '../../src/modules/api-keys/api-key.service.js';

/**
 * PROFILE_DIR=<dir> writes a CPU profile of each API process there and runs only the 1,000
 * case; PROFILE_UPDATES=<n> sends more updates, so the profile is mostly fan-out.
 */
const UPDATES = Number(process.env.PROFILE_UPDATES ?? 20);
/** Above the hub's coalescing interval (250 ms at 4 updates a second), so every update is delivered. */
const SPACING_MS = 300;
const CLOCK_TICKS_PER_SECOND = 100;

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** CPU milliseconds (user + system) a process has used so far, from /proc. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

interface Api {
  process: ManagedProcess;
  wsUrl: string;
}


interface Measured {
  p50: number;
  p99: number;
  complete: boolean;
  received: number;
  expected: number;
  cpuMsPerUpdate: number;
}

/**
 * Progress fan-out: subscribers of one job, in client processes of their own, follow 20 updates
 * that this process commits 300 ms apart (what the worker's batch commits do); the delay from
 * sending each UPDATE (its COMMIT sends the NOTIFY) to its arrival at every client is measured,
 * with the API processes' CPU per update. Runs: one subscriber (the baseline), 1,000 on one API
 * process, and 5,000 spread over two API processes on one database.
 */
export const progressFanoutScenario: Scenario = {
  name: 'progress-fanout',
  describe: 'graphql-ws subscribers of one job: delay from COMMIT to client, 1,000 on one API process and 5,000 over two',
  async run(ctx) {
    const db = await ctx.database();
    const kek = randomBytes(32).toString('base64');
    const apis: Api[] = [];
    const clients: ManagedProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const api = startProcess('src/api.ts', {
          DATABASE_URL: db.url, MIGRATE_KEK: kek, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.test',
          // Thousands of clients on one loopback address: the per-address limit is not what is measured.
          RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0',
          ...(process.env.PROFILE_DIR ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.PROFILE_DIR}` } : {}),
        });
        apis.push({ process: api, wsUrl: `ws://127.0.0.1:${port}/graphql` });
        await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      }
      const em = db.orm.em.fork();
      const org = await createOrganization(em, `Bench ${randomBytes(3).toString('hex')}`);
      const { plaintext: key } = await createApiKey(em, { organizationId: org.id, scope: 'read_only' });

      /** Runs `subscribers` in `clientProcesses` against `urls`; `publish(i)` sends update i, `finish` the terminal one. */
      const measure = async (
        subscribers: number,
        urls: string[],
        clientProcesses: number,
        target: { jobId: string; pids: number[]; publish(update: number): Promise<void>; finish(): Promise<void> },
      ): Promise<Measured> => {
        const share = (i: number) => Math.floor(subscribers / clientProcesses) + (i < subscribers % clientProcesses ? 1 : 0);
        const group = Array.from({ length: clientProcesses }, (_, i) =>
          startProcessWithArgs('bench/progress-clients.ts', [urls.join(','), key, target.jobId, String(share(i))], {}),
        );
        clients.push(...group);
        await Promise.all(group.map((c) => c.waitFor(/^ready /, 180_000)));

        const cpuBefore = (await Promise.all(target.pids.map(cpuMs))).reduce((a, b) => a + b, 0);
        const sent: number[] = [];
        for (let i = 1; i <= UPDATES; i++) {
          sent[i] = now();
          await target.publish(i);
          await new Promise((r) => setTimeout(r, SPACING_MS));
        }
        const cpuAfter = (await Promise.all(target.pids.map(cpuMs))).reduce((a, b) => a + b, 0);
        await target.finish();

        const delays: number[] = [];
        const perUpdate = new Array<number>(UPDATES + 1).fill(0);
        for (const client of group) {
          await client.waitFor(/^done$/, 120_000);
          const line = client.output().split('\n').find((l) => l.startsWith('result '))!;
          const { arrivals } = JSON.parse(line.slice('result '.length)) as { arrivals: [number, number][] };
          for (const [update, at] of arrivals) {
            delays.push(at - sent[update]!);
            perUpdate[update]!++;
          }
        }
        await Promise.all(group.map((c) => c.stop()));
        delays.sort((a, b) => a - b);
        return {
          p50: percentile(delays, 50),
          p99: percentile(delays, 99),
          complete: perUpdate.slice(1).every((n) => n === subscribers),
          received: delays.length,
          expected: subscribers * UPDATES,
          cpuMsPerUpdate: (cpuAfter - cpuBefore) / UPDATES,
        };
      };

      /** A job that this process updates as a worker's batch commits would. */
      const job = async (on: Api[]) => {
        const jobId = `mig_bench_${randomBytes(6).toString('hex')}`;
        await db.pool.query(
          `insert into migration_jobs (id, organization_id, source, status, progress) values ($1, $2, 'resend', 'importing', '{"phase":"contacts","counts":{}}')`,
          [jobId, org.id],
        );
        return {
          jobId,
          pids: on.map((a) => a.process.child.pid!),
          publish: async (i: number) => {
            await db.pool.query(
              `update migration_jobs set updated_at = now(), progress = jsonb_build_object('phase', 'contacts', 'percent', $2::numeric,
                 'counts', jsonb_build_object('contacts', jsonb_build_object('processed', $3::int, 'total', $4::int))) where id = $1`,
              [jobId, (i * 100) / (UPDATES + 1), i, UPDATES],
            );
          },
          finish: async () => void (await db.pool.query(`update migration_jobs set status = 'completed', completed_at = now() where id = $1`, [jobId])),
        };
      };

      /** The floor: the same clients and messages on a bare ws server (bench/raw-fanout-server.ts). */
      const floor = async (subscribers: number, clientProcesses: number) => {
        const server = spawn(process.execPath, ['--import', 'tsx', 'bench/raw-fanout-server.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
        try {
          const port = await new Promise<string>((resolve) => server.stdout.on('data', (d: Buffer) => /listening (\d+)/.test(String(d)) && resolve(/listening (\d+)/.exec(String(d))![1]!)));
          const command = (line: string) => new Promise<void>((resolve) => server.stdin.write(`${line}\n`, () => resolve()));
          return await measure(subscribers, [`ws://127.0.0.1:${port}`], clientProcesses, {
            jobId: 'raw',
            pids: [server.pid!],
            publish: (i) => command(`update ${i}`),
            finish: () => command('complete'),
          });
        } finally {
          server.kill();
        }
      };

      const round = (n: number) => Math.round(n * 10) / 10;
      const thousand = ctx.scaled(1000);
      const fiveThousand = ctx.scaled(5000);
      const single = await measure(1, [apis[0]!.wsUrl], 1, await job([apis[0]!]));
      const one = await measure(thousand, [apis[0]!.wsUrl], 2, await job([apis[0]!]));
      const oneFloor = await floor(thousand, 2);
      const two = process.env.PROFILE_DIR ? one : await measure(fiveThousand, apis.map((a) => a.wsUrl), 4, await job(apis));
      const twoFloor = process.env.PROFILE_DIR ? oneFloor : await floor(fiveThousand, 4);
      const row = (name: string, m: Measured, raw: Measured, limitMs: number): ScenarioResult => ({
        name: `progress fan-out p99 (${name})`,
        figure: round(m.p99),
        baseline: round(single.p99),
        ratio: round(m.p99 / Math.max(single.p99, 0.1)),
        unit: 'ms',
        target: `p99 < ${limitMs} ms, every update to every subscriber`,
        met: m.p99 < limitMs && m.complete,
        notes:
          `p50 ${round(m.p50)} ms; ${m.received} of ${m.expected} updates received; API CPU ${round(m.cpuMsPerUpdate)} ms per update. ` +
          `1 subscriber: p99 ${round(single.p99)} ms, p50 ${round(single.p50)} ms, CPU ${round(single.cpuMsPerUpdate)} ms per update. ` +
          `Bare ws server, same clients and messages: p99 ${round(raw.p99)} ms, p50 ${round(raw.p50)} ms, CPU ${round(raw.cpuMsPerUpdate)} ms per update`,
      });
      const results = [
        row(`${thousand} subscribers, 1 API process`, one, oneFloor, 50),
        row(`${fiveThousand} subscribers, 2 API processes`, two, twoFloor, 150),
      ];
      return results;
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
      await Promise.all(apis.map((a) => a.process.stop()));
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
