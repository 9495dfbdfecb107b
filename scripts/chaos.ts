/**
 * `npm run chaos`: the chaos scenarios of test/chaos/ (kill -9 of workers in every phase, four
 * kills in a row, the lock holder killed beside a second worker, PostgreSQL restarted, provider
 * faults and an outage, cancel → retry, dropped connections), outside vitest, several runs each
 * with seeded random fault points and larger accounts.
 *
 *   CHAOS_RUNS    runs per scenario (default 3)
 *   CHAOS_SEED    replay a run's fault points (printed at the start; default random)
 *   CHAOS_SCALE   account sizes; at 1: a 20,000-contact Resend account, a ~2,000-contact Resend
 *                 account with every kind, a 200,000-contact SendGrid account (default 1)
 *   CHAOS_ONLY    comma-separated scenario names or prefixes (e.g. "kill,pg-restart")
 *   CHAOS_PROFILE "ci" runs the CI sizes and shortcuts of the vitest files instead (default "long")
 *   CHAOS_REPORT  write the outcomes as JSON to this file
 *   CHAOS_VERBOSE print every run's notes as it ends
 *   CHAOS_LOGS    print the last N characters of every process's log after each run (default 20000)
 *   DATABASE_URL  a server to create the scenarios' databases on; otherwise an embedded
 *                 PostgreSQL (pg-restart always restarts one of its own)
 *
 * Prints scenario → runs → exact / duplicated / lost / wrong / stuck / other / missed → time to
 * recover (p50 / max), then every run that was not exact with its evidence; exits 1 when any run
 * was not exact, got stuck or could not be run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.js';
import { freePort } from '../test/support/ports.js';
import { createRandom } from '../test/chaos/chaos-harness.js';
import {
  MissedFault, SCENARIOS, describeOutcome, openEnv, runScenario, runSeed, sizes,
  type OpenEnv, type RunOutcome, type Scenario, type ScenarioContext,
} from '../test/chaos/chaos-scenarios.js';

interface RunRecord {
  scenario: string;
  run: number;
  /** The seed of this run's fault points (from CHAOS_SEED, the scenario and the run). */
  seed: number;
  outcome?: RunOutcome;
  /** MissedFault: the fault did not land where meant (not counted as exact or not). */
  missed?: string;
  /** The run could not be carried out (an error of the harness or of the service). */
  error?: string;
  seconds: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function selected(): Scenario[] {
  const only = (process.env.CHAOS_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!only.length) return SCENARIOS;
  const picked = SCENARIOS.filter((s) => only.some((o) => s.name.startsWith(o)));
  if (!picked.length) throw new Error(`CHAOS_ONLY=${process.env.CHAOS_ONLY} names no scenario; there are: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return picked;
}

function classify(r: RunRecord): string {
  if (r.error) return 'error';
  if (r.missed) return 'missed';
  const kinds = new Set(r.outcome!.findings.map((f) => f.kind));
  if (!kinds.size) return 'exact';
  for (const k of ['stuck', 'duplicated', 'lost', 'wrong'] as const) if (kinds.has(k)) return k;
  return 'other';
}

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

function table(records: RunRecord[], scenarios: Scenario[]): string {
  const cols = ['scenario', 'runs', 'exact', 'duplicated', 'lost', 'wrong', 'stuck', 'other', 'missed/error', 'recover p50', 'recover max'];
  const rows = scenarios.map((s) => {
    const mine = records.filter((r) => r.scenario === s.name);
    const count = (c: string) => mine.filter((r) => classify(r) === c).length;
    const recover = mine.flatMap((r) => (r.outcome?.recoverMs !== null && r.outcome?.recoverMs !== undefined ? [r.outcome.recoverMs] : []));
    return [s.name, mine.length, count('exact'), count('duplicated'), count('lost'), count('wrong'), count('stuck'), count('other'), count('missed') + count('error'), secs(quantile(recover, 0.5)), secs(recover.length ? Math.max(...recover) : null)].map(String);
  });
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  const runs = Math.max(1, Number(process.env.CHAOS_RUNS ?? 3));
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
  const scale = Number(process.env.CHAOS_SCALE ?? 1);
  const profile = process.env.CHAOS_PROFILE === 'ci' ? 'ci' : 'long';
  if (!Number.isFinite(seed) || !Number.isFinite(scale) || scale <= 0) throw new Error('CHAOS_SEED and CHAOS_SCALE must be numbers (CHAOS_SCALE > 0)');
  const scenarios = selected();

  let embedded: EmbeddedDatabase | undefined;
  let dir: string | undefined;
  const open: OpenEnv[] = [];
  const cleanup = async () => {
    for (const o of open.splice(0)) await o.close().catch((err) => log(`chaos: closing an environment: ${(err as Error).message}`));
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      dir = await mkdtemp(path.join(os.tmpdir(), 'migrate-chaos-'));
      embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres' });
      adminUrl = embedded.url;
    }
    const ctx: ScenarioContext = { adminUrl, profile, scale, log };
    const size = sizes(ctx);
    log(`chaos: ${scenarios.length} scenarios × CHAOS_RUNS=${runs}, CHAOS_SEED=${seed}, CHAOS_SCALE=${scale}${profile === 'ci' ? ' (CHAOS_PROFILE=ci)' : ''}; accounts: Resend ${size.plain} contacts, Resend every kind ${size.everyKind} global contacts (+ legacy audiences), SendGrid ${size.sendgrid} contacts`);

    // Scenarios that share an environment run one after another in it.
    const byKey = new Map<string, Scenario[]>();
    for (const s of scenarios) {
      const key = s.env(ctx).key;
      byKey.set(key, [...(byKey.get(key) ?? []), s]);
    }
    const records: RunRecord[] = [];
    const started = performance.now();
    for (const [key, group] of byKey) {
      log(`chaos: environment ${key}`);
      let o: OpenEnv;
      try {
        o = await openEnv(group[0]!.env(ctx), ctx);
      } catch (err) {
        for (const s of group) for (let i = 0; i < runs; i++) records.push({ scenario: s.name, run: i + 1, seed, error: `environment: ${(err as Error).stack}`, seconds: 0 });
        continue;
      }
      open.push(o);
      for (const s of group) {
        for (let i = 0; i < runs; i++) {
          const seedOfRun = runSeed(seed, s.name, i);
          const t0 = performance.now();
          const record: RunRecord = { scenario: s.name, run: i + 1, seed: seedOfRun, seconds: 0 };
          try {
            record.outcome = await runScenario(s, o, createRandom(seedOfRun), ctx);
          } catch (err) {
            if (err instanceof MissedFault) record.missed = err.message;
            else record.error = `${(err as Error).stack ?? String(err)}\n${o.env.logs(3000)}`;
          }
          record.seconds = (performance.now() - t0) / 1000;
          records.push(record);
          const verdict = classify(record);
          log(`chaos: ${s.name} run ${i + 1}/${runs}: ${verdict}${record.outcome?.recoverMs != null ? `, recovered in ${secs(record.outcome.recoverMs)}` : ''} (${record.seconds.toFixed(1)} s)${record.missed ? `: ${record.missed}` : ''}`);
          if (process.env.CHAOS_VERBOSE && record.outcome) log(describeOutcome(record.outcome));
          if (process.env.CHAOS_LOGS) log(o.env.logs(Number(process.env.CHAOS_LOGS) || 20_000));
        }
      }
      await o.close().catch((err) => log(`chaos: closing ${key}: ${(err as Error).message}`));
      open.splice(open.indexOf(o), 1);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\nchaos: CHAOS_RUNS=${runs} CHAOS_SEED=${seed} CHAOS_SCALE=${scale}${profile === 'ci' ? ' CHAOS_PROFILE=ci' : ''}, ${seconds} s\n\n${table(records, scenarios)}\n`);
    const bad = records.filter((r) => !['exact', 'missed'].includes(classify(r)));
    const missed = records.filter((r) => r.missed);
    for (const r of bad) {
      process.stdout.write(`\n${r.scenario} run ${r.run} (seed ${r.seed}): ${classify(r)}\n`);
      process.stdout.write(`${r.outcome ? describeOutcome(r.outcome) : r.error}\n`);
    }
    for (const r of missed) process.stdout.write(`\n${r.scenario} run ${r.run} (seed ${r.seed}): the fault missed its mark: ${r.missed}\n`);
    process.stdout.write(bad.length ? `\n${bad.length} of ${records.length} runs not exact\n` : `\nevery run exact${missed.length ? ` (${missed.length} missed their mark)` : ''}\n`);
    if (process.env.CHAOS_REPORT) await writeFile(process.env.CHAOS_REPORT, JSON.stringify({ runs, seed, scale, profile, seconds: Number(seconds), records }, null, 2));
    return bad.length ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);
