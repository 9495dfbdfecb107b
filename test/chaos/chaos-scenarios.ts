/**
 * The chaos scenarios, each one run of: a migration, a fault inflicted at a (seeded) random
 * point, the recovery, and the comparison with the account's truth. The vitest files of
 * test/chaos/ run each once at CI size (profile 'ci'); `npm run chaos` runs each CHAOS_RUNS times
 * at CHAOS_SCALE (profile 'long'). No vitest here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { createLogger } from '../../src/logger.js';
import { reconcileMigrations } from '../../src/modules/imports/reconciler.js';
import type { FaultHandle, FaultRule } from '../../emulators/resend/faults.js';
import type { ResendAccount } from '../../emulators/resend/model.js';
import {
  ChaosEnv, FAST_REDELIVERY, injectFaults, lockHolderPid, poll, setRateLimit, startOwnPostgres,
  type AccountSpec, type JobState, type MigrationRun, type OwnPostgres, type Random,
} from './chaos-harness.js';
import { compareWithTruth, expectedResend, expectedSendGrid, type Expected, type Finding } from './chaos-truth.js';
import type { ManagedProcess } from '../support/processes.js';

export type Profile = 'ci' | 'long';

export interface ScenarioContext {
  /** The server to make databases on (DATABASE_URL, the test run's, or the script's embedded one). */
  adminUrl: string;
  profile: Profile;
  /** Long profile: sizes relative to the scale-1 accounts (see `sizes`). */
  scale: number;
  log: (line: string) => void;
}

export interface RunOutcome {
  scenario: string;
  jobId: string;
  /** Empty when the run was exact: same rows, counts and problems, terminal event delivered, nothing crashed. */
  findings: Finding[];
  /** From the (last) fault to the job's completion, when it completed. */
  recoverMs: number | null;
  /** What happened, for the report (where the kill landed, what fired). */
  notes: string[];
}

/** The fault did not land where the scenario meant it to (a harness problem, not the product's). */
export class MissedFault extends Error {
  override name = 'MissedFault';
}

// ---------------------------------------------------------------------------------------------
// Accounts and environments

export interface Sizes {
  /** Global contacts of the Resend account with every kind ('mixed': ~1.23 distinct contacts each). */
  everyKind: number;
  /** Contacts of the plain Resend account (segments, templates, suppressions; no per-contact reads). */
  plain: number;
  sendgrid: number;
}

/** CI: ~1,500 Resend contacts, 20,000 SendGrid. Long profile at scale 1: 20,000 Resend, ~2,000 with every kind, 200,000 SendGrid. */
export function sizes(ctx: ScenarioContext): Sizes {
  if (ctx.profile === 'ci') return { everyKind: 1200, plain: 1500, sendgrid: 20_000 };
  const s = ctx.scale;
  return { everyKind: Math.max(40, Math.round(1600 * s)), plain: Math.max(200, Math.round(20_000 * s)), sendgrid: Math.max(2000, Math.round(200_000 * s)) };
}

const FULL_RATE = 1000;

export const accounts = {
  /** Every kind: legacy audiences beside segments, properties, topics, templates, 250 suppressions (3 pages). */
  everyKind: (n: number): AccountSpec => ({
    source: 'resend', rateLimit: FULL_RATE,
    options: { seed: 101, age: 'mixed', contacts: n, lists: 4, domains: 2, templates: 6, topics: 3, properties: 4, suppressions: 250 },
  }),
  plain: (n: number): AccountSpec => ({
    source: 'resend', rateLimit: FULL_RATE,
    options: { seed: 202, age: 'new', contacts: n, lists: 3, domains: 1, templates: 4, topics: 0, properties: 0, suppressions: 60 },
  }),
  /** Two lists of about half the contacts each: every export is more than one batch of 10,000 at CI size. */
  sendgrid: (n: number): AccountSpec => ({
    source: 'sendgrid', maxFileSizeContacts: Math.max(1000, Math.round(n / 4)),
    options: { seed: 303, contacts: n, lists: 2, customFields: 1, templates: 4, groups: 2, suppressions: 20 },
  }),
};

export interface EnvSpec {
  /** Scenarios with the same key share one environment (in the script). */
  key: string;
  account: AccountSpec;
  settings?: Record<string, string>;
  workers?: number;
  /** A PostgreSQL server of the environment's own, which the scenario restarts. */
  ownPostgres?: boolean;
}

export interface OpenEnv {
  spec: EnvSpec;
  env: ChaosEnv;
  expected: Expected;
  pg?: OwnPostgres;
  close(): Promise<void>;
}

export async function openEnv(spec: EnvSpec, ctx: ScenarioContext): Promise<OpenEnv> {
  const pg = spec.ownPostgres ? await startOwnPostgres() : undefined;
  try {
    const env = await ChaosEnv.start({
      adminUrl: pg?.adminUrl ?? ctx.adminUrl,
      account: spec.account,
      settings: { ...FAST_REDELIVERY, ...spec.settings },
      workers: spec.workers ?? 1,
      log: ctx.log,
    });
    const expected = env.source === 'resend'
      ? expectedResend(env.resend.account, { customFields: env.resend.account.contactProperties.length > 0, topics: env.resend.account.topics.length > 0 })
      : expectedSendGrid(env.sendgrid.account);
    return {
      spec, env, expected, pg,
      async close() {
        await env.close();
        await pg?.close();
      },
    };
  } catch (err) {
    await pg?.close();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared steps

const PHASES = ['custom_fields', 'domains', 'audiences', 'suppression_groups', 'contacts', 'templates', 'suppressions'];

/** The phase a job was in by its committed state: the first one not marked done (or scan). */
export function phaseOf(j: JobState): string {
  if (j.status === 'pending' || j.status === 'scanning') return 'scan';
  if (j.status !== 'importing') return j.status;
  const done = (j.checkpoints?.done ?? {}) as Record<string, boolean>;
  return PHASES.find((p) => !done[p]) ?? 'done';
}

function resetEmulator(o: OpenEnv): void {
  o.env.emulator.faults.clear();
  setRateLimit(o.env, FULL_RATE);
}

async function ensureWorkers(o: OpenEnv, n: number): Promise<ManagedProcess[]> {
  while (o.env.liveWorkers().length < n) await o.env.startWorker();
  return o.env.liveWorkers();
}

/** Checks `cond` every few milliseconds; SIGKILLs `worker` the moment it holds (after `extraDelayMs`). */
async function killWhen(o: OpenEnv, worker: ManagedProcess, cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, extraDelayMs = 0): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let met = false;
    try {
      met = await cond();
    } catch {
      met = false;
    }
    if (met) break;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    if (worker.child.exitCode !== null) throw new Error(`the worker exited before ${what}:\n${worker.output().slice(-3000)}`);
    await sleep(5);
  }
  if (extraDelayMs) await sleep(extraDelayMs);
  await o.env.kill(worker);
  return Date.now();
}

const requestsSince = (o: OpenEnv, base: number) => o.env.emulator.stats.total - base;
const routeCount = (o: OpenEnv, route: string) => o.env.emulator.stats.byRoute[route] ?? 0;

/** Requests the contacts phase of a Resend import makes: list pages, the pass over everyone, per-contact reads. */
function resendContactsRequests(a: ResendAccount): number {
  const perContact = (a.contactProperties.length ? 1 : 0) + (a.topics.length ? 1 : 0);
  const members = a.lists.map((l) => (l.legacy ? a.audienceContacts.filter((c) => c.audience_id === l.id).length : a.contacts.filter((c) => c.segmentIds.includes(l.id)).length));
  return members.reduce((n, m) => n + Math.ceil(m / 100) + 1, 0) + Math.ceil(a.contacts.length / 100) + 1 + a.contacts.length * perContact;
}

async function stuckDetail(run: MigrationRun): Promise<string> {
  const j = await run.job().catch((err: Error) => ({ error: err.message }));
  const work = await run.queueWork().catch(() => []);
  return `job ${JSON.stringify({ ...j, checkpoints: undefined, import_result: undefined })?.slice(0, 800)}; queue work ${JSON.stringify(work)}`;
}

/** Subscribers: each but the last ends with `failed` (a failure the run retried), the last with `completed`; counters never fall back. */
async function followerFindings(run: MigrationRun): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [i, f] of run.followers.entries()) {
    const want = i === run.followers.length - 1 ? 'completed' : 'failed';
    const ended = await Promise.race([f.ended, sleep(20_000).then(() => null)]);
    const last = f.events.at(-1);
    const what = `subscriber ${i + 1}`;
    if (!ended) {
      f.dispose();
      findings.push({ kind: 'progress', what, detail: `the subscription did not complete within 20 s of the job ending; last event ${JSON.stringify(last)}` });
    } else if (!ended.completed) {
      findings.push({ kind: 'progress', what, detail: `the subscription ended with an error: ${ended.error}` });
    } else if (last?.status !== want) {
      findings.push({ kind: 'progress', what, detail: `the last event was ${JSON.stringify(last)}, not ${want}` });
    }
  }
  // Progress resumes from the committed counters: across every subscriber, no counter falls back.
  const events = run.followers.flatMap((f) => f.events).sort((a, b) => a.at - b.at);
  const seen = new Map<string, number>();
  for (const e of events) {
    for (const c of e.counts ?? []) {
      const before = seen.get(c.kind) ?? 0;
      if (c.processed < before) {
        findings.push({ kind: 'progress', what: `progress.${c.kind}`, detail: `processed fell back from ${before} to ${c.processed} (status ${e.status}, phase ${e.phase})` });
        break;
      }
      seen.set(c.kind, c.processed);
    }
  }
  return findings;
}

/**
 * The end of every run: the job must complete (a failure is a finding; it is retried once, as a
 * user would, and must then complete), then rows, counts, problems, subscribers and processes
 * are checked.
 */
async function settle(o: OpenEnv, run: MigrationRun, marks: Map<ManagedProcess, number>, faultAt: number, timeoutMs: number, notes: string[]): Promise<RunOutcome> {
  const findings: Finding[] = [];
  const outcome = (recoverMs: number | null): RunOutcome => ({ scenario: '', jobId: run.id, findings, recoverMs, notes });
  let end: JobState;
  try {
    end = await run.waitForEnd(timeoutMs);
  } catch {
    findings.push({ kind: 'stuck', what: 'job', detail: `not completed ${Math.round(timeoutMs / 1000)} s after the fault: ${await stuckDetail(run)}` });
    return outcome(null);
  }
  if (end.status === 'failed') {
    findings.push({ kind: 'failed', what: 'job', detail: `failed: ${end.error_message}` });
    const retried = await run.retry();
    notes.push(`retried after that failure: ${retried.status} ${retried.body?.status ?? JSON.stringify(retried.body)}`);
    run.follow();
    try {
      end = await run.waitForEnd(timeoutMs);
    } catch {
      findings.push({ kind: 'stuck', what: 'job', detail: `the retry did not complete: ${await stuckDetail(run)}` });
      return outcome(null);
    }
    if (end.status !== 'completed') {
      findings.push({ kind: 'stuck', what: 'job', detail: `the retry ended ${end.status}: ${end.error_message}` });
      return outcome(null);
    }
  }
  findings.push(...(await compareWithTruth(o.env, run.org.orgId, run.id, o.expected)));
  findings.push(...(await followerFindings(run)));
  for (const line of o.env.crashesSince(marks)) findings.push({ kind: 'crash', what: 'process', detail: line });
  return outcome(end.completed_ms ? Math.max(0, end.completed_ms - faultAt) : null);
}

/** Where a run starts: no faults, full rate, nothing left running, the workers it needs, a new organization. */
async function prepare(o: OpenEnv, workers = 1) {
  resetEmulator(o);
  // A run that ended in a harness error may have left its job running: stop it (as a cancel does).
  await o.env.db.query(`update migration_jobs set status = 'failed', error_message = 'cancelled', updated_at = now() where status in ('pending', 'scanning', 'importing')`);
  await ensureWorkers(o, workers);
  const marks = o.env.logMarks();
  const org = await o.env.newOrg();
  return { marks, org };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

export interface Scenario {
  name: string;
  title: string;
  env(ctx: ScenarioContext): EnvSpec;
  run(o: OpenEnv, rng: Random, ctx: ScenarioContext): Promise<RunOutcome>;
}

const everyKindEnv = (ctx: ScenarioContext): EnvSpec => ({ key: 'resend-every-kind', account: accounts.everyKind(sizes(ctx).everyKind) });
const plainEnv = (ctx: ScenarioContext): EnvSpec => ({ key: 'resend-plain', account: accounts.plain(sizes(ctx).plain) });
const sendgridEnv = (ctx: ScenarioContext): EnvSpec => ({ key: 'sendgrid', account: accounts.sendgrid(sizes(ctx).sendgrid) });

/** Kill -9 of the worker while it scans: the scan is redelivered and runs again. */
const killScan: Scenario = {
  name: 'kill-scan',
  title: 'kill -9 of the worker during the scan',
  env: everyKindEnv,
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const [worker] = o.env.liveWorkers();
    // Every scan request 150 ms late, so the kill lands inside it.
    const slow = o.env.emulator.faults.inject({ kind: 'slow', delayMs: 150, times: 100 });
    const run = await o.env.begin(org, { waitForScan: false });
    const base = o.env.emulator.stats.total;
    const target = rng.int(2, 20);
    const killedAt = await killWhen(o, worker!, () => requestsSince(o, base) >= target, 60_000, `scan request ${target}`);
    slow.remove();
    const atKill = await run.job();
    if (atKill.status !== 'scanning') throw new MissedFault(`the kill meant for the scan found the job ${atKill.status}`);
    const notes = [`killed at the scan's request ${target}`];
    await o.env.startWorker();
    try {
      await run.waitForScan(120_000);
    } catch (err) {
      return { scenario: '', jobId: run.id, notes, recoverMs: null, findings: [{ kind: 'stuck', what: 'scan', detail: `${(err as Error).message}; ${await stuckDetail(run)}` }] };
    }
    notes.push(`scan queue work: ${(await run.queueWork()).filter((w) => w.name === 'migration.scan').map((w) => `${w.state} after ${w.retry_count} retries`).join(', ')}`);
    await run.approve();
    return settle(o, run, marks, killedAt, 180_000, notes);
  },
};

/** Kill -9 in the contacts phase of a Resend import (rate-limited so the phase lasts seconds). */
const killContacts: Scenario = {
  name: 'kill-contacts',
  title: 'kill -9 of the worker in the contacts phase (Resend)',
  env: everyKindEnv,
  async run(o, rng, ctx) {
    const { marks, org } = await prepare(o);
    const [worker] = o.env.liveWorkers();
    const run = await o.env.begin(org);
    const phaseRequests = resendContactsRequests(o.env.resend.account);
    setRateLimit(o.env, ctx.profile === 'ci' ? 300 : 500);
    const base = o.env.emulator.stats.total;
    await run.approve();
    // The phases before contacts make about a dozen requests.
    const target = 12 + rng.int(Math.round(phaseRequests * 0.05), Math.round(phaseRequests * 0.9));
    const killedAt = await killWhen(o, worker!, () => requestsSince(o, base) >= target, 300_000, `import request ${target}`);
    const atKill = await run.job();
    if (phaseOf(atKill) !== 'contacts') throw new MissedFault(`the kill meant for the contacts phase landed in ${phaseOf(atKill)}`);
    const notes = [`killed at import request ${target} of ~${phaseRequests + 12}, ${run.contactsProcessed(atKill)} contacts processed (committed)`];
    setRateLimit(o.env, FULL_RATE);
    await o.env.startWorker();
    return settle(o, run, marks, killedAt, 240_000, notes);
  },
};

/** Kill -9 between (or during) template reads: each template read is made 400 ms late. */
const killTemplates: Scenario = {
  name: 'kill-templates',
  title: 'kill -9 of the worker in the templates phase',
  env: everyKindEnv,
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const [worker] = o.env.liveWorkers();
    const run = await o.env.begin(org);
    const route = 'GET /templates/{id}';
    const base = routeCount(o, route);
    const slow = o.env.emulator.faults.inject({ path: '/templates/{id}', kind: 'slow', delayMs: 400, times: 1000 });
    await run.approve();
    const n = o.env.resend.account.templates.length;
    const k = rng.int(1, Math.max(1, n - 1));
    const killedAt = await killWhen(o, worker!, () => routeCount(o, route) - base >= k, 180_000, `template read ${k}`, rng.int(0, 350));
    slow.remove();
    const atKill = await run.job();
    if (phaseOf(atKill) !== 'templates') throw new MissedFault(`the kill meant for the templates phase landed in ${phaseOf(atKill)}`);
    const notes = [`killed during template read ${k} of ${n}; ${(atKill.checkpoints.templates ?? []).length} templates committed`];
    await o.env.startWorker();
    return settle(o, run, marks, killedAt, 180_000, notes);
  },
};

/** Kill -9 between (or during) suppression pages: each page is made 500 ms late. */
const killSuppressions: Scenario = {
  name: 'kill-suppressions',
  title: 'kill -9 of the worker in the suppressions phase',
  env: everyKindEnv,
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const [worker] = o.env.liveWorkers();
    const run = await o.env.begin(org);
    const route = 'GET /suppressions';
    const base = routeCount(o, route);
    const slow = o.env.emulator.faults.inject({ path: '/suppressions', kind: 'slow', delayMs: 500, times: 1000 });
    await run.approve();
    const pages = Math.ceil(o.env.resend.account.suppressions.length / 100);
    const k = rng.int(1, Math.max(1, pages));
    const killedAt = await killWhen(o, worker!, () => routeCount(o, route) - base >= k, 180_000, `suppressions page ${k}`, rng.int(0, 450));
    slow.remove();
    const atKill = await run.job();
    if (phaseOf(atKill) !== 'suppressions') throw new MissedFault(`the kill meant for the suppressions phase landed in ${phaseOf(atKill)}`);
    const notes = [`killed during suppressions page ${k} of ${pages}; checkpoint ${JSON.stringify(atKill.checkpoints.suppressions ?? null)}`];
    await o.env.startWorker();
    return settle(o, run, marks, killedAt, 180_000, notes);
  },
};

/** Kill -9 inside a SendGrid export: after one batch of it committed and before its end. */
const killSendgridExport: Scenario = {
  name: 'kill-sendgrid-export',
  title: 'kill -9 of the worker inside a SendGrid export',
  env: sendgridEnv,
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const [worker] = o.env.liveWorkers();
    const run = await o.env.begin(org);
    const account = o.env.sendgrid.account;
    // Exports of more than one batch (10,000 rows), where a kill can fall between two batches.
    const exports = [
      ...account.lists.filter((l) => l.contact_ids.length > 10_000).map((l) => ({ name: `list ${l.name}`, mark: (j: JobState) => j.checkpoints.lists?.[l.id] })),
      ...(account.contacts.length > 10_000 ? [{ name: 'all contacts', mark: (j: JobState) => j.checkpoints.global }] : []),
    ];
    if (!exports.length) throw new MissedFault('no export holds more than one batch at this size');
    const chosen = rng.pick(exports);
    const exportsBefore = routeCount(o, 'POST /v3/marketing/contacts/exports');
    // Export files 2 s late each, so the time between two batches is long enough to hit: the
    // next batch is read while one is written, so a short last batch would otherwise follow at once.
    const slow = o.env.emulator.faults.inject({ path: /^\/exports\//, kind: 'slow', delayMs: 2000, times: 100_000 });
    await run.approve();
    const inside = (j: JobState) => {
      const m = chosen.mark(j) as { after?: string | null; done?: boolean } | undefined;
      const read = Number(/:(\d+)$/.exec(m?.after ?? '')?.[1] ?? 0);
      return !!m && !m.done && read > 0 ? read : 0;
    };
    const killedAt = await killWhen(o, worker!, async () => inside(await run.job()) > 0, 300_000, `a committed batch inside the export of ${chosen.name}`, rng.int(0, 200));
    const atKill = await run.job();
    if (!inside(atKill)) throw new MissedFault(`the kill meant for the inside of the export of ${chosen.name} came after it (${JSON.stringify(chosen.mark(atKill))})`);
    slow.remove();
    const cursor = (chosen.mark(atKill) as { after: string }).after;
    const exportId = cursor.split(':')[0]!;
    const notes = [`killed inside the export of ${chosen.name} (${cursor}) after ${inside(atKill)} records were committed`];
    const exportsAtKill = routeCount(o, 'POST /v3/marketing/contacts/exports');
    // Counts the downloads of that export's files from now on (a delay of 0: it changes nothing else).
    const probe = o.env.emulator.faults.inject({ path: new RegExp(`^/exports/${exportId}/`), kind: 'slow', delayMs: 0, times: 1e9 });
    await o.env.startWorker();
    const outcome = await settle(o, run, marks, killedAt, 300_000, notes);
    probe.remove();
    notes.push(`exports started: ${exportsAtKill - exportsBefore} before the kill, ${routeCount(o, 'POST /v3/marketing/contacts/exports') - exportsAtKill} after; files of the interrupted export downloaded after the kill: ${probe.fired}`);
    // Documented: a resumed import goes on inside the same export while its links are valid (here 72 h).
    if (!probe.fired && !outcome.findings.some((f) => f.kind === 'stuck')) {
      outcome.findings.push({ kind: 'wrong', what: 'export resume', detail: `the resumed import did not read on in export ${exportId} (its links were still valid)` });
    }
    return outcome;
  },
};

/** Lets a job's queue retry go out now instead of after its backoff (CI only; the long profile waits). */
async function skipRetryDelay(o: OpenEnv, run: MigrationRun): Promise<void> {
  await poll(async () => {
    // The heartbeat lapses first (the killed delivery stays `active` until then), then pg-boss puts it in `retry`.
    const moved = await o.env.db.query(
      `update pgboss.job set start_after = now() where name = 'migration.import' and data->>'jobId' = $1 and state = 'retry' returning id`,
      [run.id],
    );
    if (moved.length) return true;
    return (await run.queueWork()).some((w) => w.name === 'migration.import' && w.state === 'failed');
  }, (x) => x, 60_000, 'the redelivery of the import');
}

/**
 * Four kills in a row in one import: the queue's retries (3) run out after the fourth, so the
 * job has no queue work; the reconciler must give it back. CI calls reconcileMigrations(…, 0)
 * directly instead of waiting for its one-minute schedule and grace, and lets each queue retry
 * go out without its backoff; the long profile waits for both.
 */
const killFourInARow: Scenario = {
  name: 'kill-four-in-a-row',
  title: 'four kills in a row in one import (queue retries run out; the reconciler gives it back)',
  env: plainEnv,
  async run(o, rng, ctx) {
    const { marks, org } = await prepare(o);
    const run = await o.env.begin(org);
    setRateLimit(o.env, 5);
    await run.approve();
    const notes: string[] = [];
    let lastCommit = '';
    let killedAt = 0;
    for (let i = 1; i <= 4; i++) {
      const [worker] = await ensureWorkers(o, 1);
      // This delivery committed something since the last kill: it is the one running the import.
      const committed = (j: JobState) => JSON.stringify([j.checkpoints, j.progress?.counts]);
      killedAt = await killWhen(o, worker!, async () => {
        const j = await run.job();
        return j.status === 'importing' && committed(j) !== lastCommit && Object.keys(j.checkpoints ?? {}).length > 1;
      }, 180_000, `progress of delivery ${i}`, rng.int(0, 400));
      const j = await run.job();
      lastCommit = committed(j);
      notes.push(`kill ${i} in ${phaseOf(j)} at ${run.contactsProcessed(j)} contacts processed`);
      if (j.status !== 'importing') throw new MissedFault(`kill ${i} came after the job ended (${j.status})`);
      if (i < 4) {
        await o.env.startWorker();
        if (ctx.profile === 'ci') await skipRetryDelay(o, run);
      }
    }
    // After the fourth, the queue gives up: its work for this job fails once the heartbeat lapses
    // (noticed by a live worker's pg-boss supervisor).
    await o.env.startWorker();
    try {
      await poll(() => run.queueWork(), (w) => w.some((x) => x.name === 'migration.import') && w.every((x) => ['failed', 'completed', 'cancelled'].includes(x.state)), 60_000, 'the queue giving up');
    } catch (err) {
      throw new Error(`the queue did not give the job up after four kills: ${(err as Error).message}`);
    }
    notes.push(`queue work after the fourth kill: ${(await run.queueWork()).filter((w) => w.name === 'migration.import').map((w) => `${w.state} (retry ${w.retry_count})`).join(', ')}`);
    if (ctx.profile === 'ci') {
      const jobs = await JobQueue.connect(o.env.db.url, createLogger('silent', 'chaos'));
      try {
        const { requeued } = await reconcileMigrations(o.env.db.pool, jobs, createLogger('silent', 'chaos'), 0);
        notes.push(`reconcileMigrations(…, 0) called directly: requeued ${requeued.includes(run.id) ? 'this job' : 'nothing of this job'}`);
      } finally {
        await jobs.stop();
      }
    } else {
      notes.push('waiting for the scheduled reconciler (every minute, 60 s grace)');
    }
    setRateLimit(o.env, FULL_RATE);
    const outcome = await settle(o, run, marks, killedAt, ctx.profile === 'ci' ? 60_000 : 300_000, notes);
    const j = await run.job();
    notes.push(`recoveries ${j.recoveries}, run ${j.run}`);
    if (j.recoveries !== 1 && !outcome.findings.some((f) => f.kind === 'stuck')) {
      outcome.findings.push({ kind: 'wrong', what: 'recoveries', detail: `the reconciler recorded ${j.recoveries} recoveries, expected 1` });
    }
    return outcome;
  },
};

/** Two workers; the one holding the job's lock is killed: the other takes the import over. */
const killLockHolder: Scenario = {
  name: 'kill-lock-holder',
  title: 'two workers, the one holding the job killed: the other takes over',
  env: (ctx) => ({ ...plainEnv(ctx), key: 'resend-plain-two-workers', workers: 2 }),
  async run(o, rng) {
    const { marks, org } = await prepare(o, 2);
    const run = await o.env.begin(org);
    setRateLimit(o.env, 8);
    await run.approve();
    let holderPid: number | null = null;
    await poll(async () => {
      const j = await run.job();
      holderPid = await lockHolderPid(o.env, run.id);
      return holderPid !== null && j.status === 'importing' && run.contactsProcessed(j) > 0;
    }, (x) => x, 120_000, 'a worker holding the import');
    await sleep(rng.int(0, 1000));
    const holder = o.env.liveWorkers().find((w) => w.child.pid === holderPid)!;
    const survivor = o.env.liveWorkers().find((w) => w !== holder)!;
    const killedAt = Date.now();
    await o.env.kill(holder);
    const atKill = await run.job();
    if (atKill.status !== 'importing') throw new MissedFault(`the job was already ${atKill.status} at the kill`);
    const notes = [`killed worker pid ${holderPid} (the lock holder) at ${run.contactsProcessed(atKill)} contacts processed`];
    try {
      await poll(() => lockHolderPid(o.env, run.id), (pid) => pid === survivor.child.pid, 90_000, 'the other worker taking the lock');
      notes.push(`worker pid ${survivor.child.pid} took the lock over ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    } catch (err) {
      notes.push(`not seen taking over: ${(err as Error).message}`);
    }
    setRateLimit(o.env, FULL_RATE);
    const outcome = await settle(o, run, marks, killedAt, 120_000, notes);
    if (o.env.allWorkers.filter((w) => !o.env.killed.has(w)).length > 1) notes.push('note: more workers than the survivor ran');
    return outcome;
  },
};

/** PostgreSQL stopped and started again (8–10 s down) mid-import: processes survive, the import completes exactly. */
const pgRestart: Scenario = {
  name: 'pg-restart',
  title: 'PostgreSQL restarted mid-import (8–10 s down)',
  env: (ctx) => ({ ...plainEnv(ctx), key: 'resend-plain-own-postgres', ownPostgres: true }),
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const run = await o.env.begin(org);
    // Slow enough that the import runs through the whole restart.
    const pages = resendContactsRequests(o.env.resend.account);
    setRateLimit(o.env, Math.max(3, Math.ceil(pages / 20)));
    await run.approve();
    await run.waitFor((j) => run.contactsProcessed(j) > 0, 120_000, 'the first committed contacts');
    await sleep(rng.int(0, 1500));
    const atStop = await run.job();
    if (atStop.status !== 'importing') throw new MissedFault(`the job was already ${atStop.status} at the restart`);
    const downMs = rng.int(8000, 10_000);
    const { stoppedAt, startedAt } = await o.pg!.restart(downMs);
    const notes = [`PostgreSQL stopped at ${run.contactsProcessed(atStop)} contacts processed, down ${((startedAt - stoppedAt) / 1000).toFixed(1)} s`];
    const lines = o.env.allWorkers.flatMap((w) => w.output().slice(marks.get(w) ?? 0).split('\n')).filter((l) => /giving it back|connection lost|database connection failed/.test(l));
    notes.push(`worker said ${lines.length} times that it lost the database (${[...new Set(lines.map((l) => /"msg":"([^"]+)"/.exec(l)?.[1]))].join('; ')})`);
    setRateLimit(o.env, FULL_RATE);
    return settle(o, run, marks, startedAt, 180_000, notes);
  },
};

/** Spreads `rules` over the import's requests: each starts firing after a random number of them. */
function spread(rng: Random, requests: number, rules: FaultRule[]): FaultRule[] {
  return rules.map((r) => ({ ...r, after: rng.int(0, Math.max(1, Math.round(requests * 0.8))) }));
}

async function faultsRun(o: OpenEnv, rng: Random, rules: (requests: number) => FaultRule[], requests: number): Promise<RunOutcome> {
  const { marks, org } = await prepare(o);
  const run = await o.env.begin(org);
  const stats = o.env.emulator.stats;
  const before = { total: stats.total, s429: stats.byStatus[429] ?? 0, s5xx: [500, 502, 503].reduce((n, s) => n + (stats.byStatus[s] ?? 0), 0) };
  const handles: FaultHandle[] = injectFaults(o.env, rules(requests));
  const startedAt = Date.now();
  await run.approve();
  const outcome = await settle(o, run, marks, startedAt, 300_000, []);
  const fired = handles.map((h) => `${h.rule.kind}${h.rule.status ? ` ${h.rule.status}` : ''}${h.rule.path ? ` on ${h.rule.path}` : ''} ×${h.fired}/${h.rule.times ?? 1} after ${h.rule.after}`);
  outcome.notes.push(`faults: ${fired.join('; ')}`);
  outcome.notes.push(`answered 429: ${(stats.byStatus[429] ?? 0) - before.s429}, 5xx: ${[500, 502, 503].reduce((n, s) => n + (stats.byStatus[s] ?? 0), 0) - before.s5xx}, requests: ${stats.total - before.total}`);
  const unfired = handles.filter((h) => !h.exhausted);
  o.env.emulator.faults.clear();
  if (unfired.length && !outcome.findings.length) throw new MissedFault(`the import ended before these faults fired in full: ${unfired.map((h) => `${h.rule.kind} ×${h.fired}/${h.rule.times}`).join(', ')}`);
  return outcome;
}

/** 429 storm, 5xx burst, cut connections, malformed bodies during a Resend import. */
const providerFaultsResend: Scenario = {
  name: 'provider-faults-resend',
  title: 'Resend: 429 storm, 5xx burst, cut connections, malformed bodies during the import',
  env: everyKindEnv,
  run(o, rng) {
    const requests = resendContactsRequests(o.env.resend.account) + 20;
    return faultsRun(o, rng, (n) => spread(rng, n, [
      { kind: 'status', status: 429, times: 6 },
      { kind: 'status', status: 500, times: 2 },
      { kind: 'status', status: 502, times: 2 },
      { kind: 'status', status: 503, times: 2 },
      { kind: 'cut', times: 4 },
      { kind: 'malformed', times: 4 },
    ]), requests);
  },
};

/** The same kinds of faults during a SendGrid import, on its API and on the export files being streamed. */
const providerFaultsSendgrid: Scenario = {
  name: 'provider-faults-sendgrid',
  title: 'SendGrid: 429s, 5xx, cut and malformed API answers and export downloads during the import',
  env: sendgridEnv,
  run(o, rng) {
    const account = o.env.sendgrid.account;
    const perFile = Math.max(1000, Math.round(account.contacts.length / 4));
    const files = account.lists.reduce((n, l) => n + Math.ceil(l.contact_ids.length / perFile), 0) + Math.ceil(account.contacts.length / perFile);
    return faultsRun(o, rng, () => [
      ...spread(rng, files, [
        { path: /^\/exports\//, kind: 'cut', times: 2 },
        { path: /^\/exports\//, kind: 'malformed', times: 1 },
        { path: /^\/exports\//, kind: 'status', status: 503, times: 2 },
      ]),
      ...spread(rng, 25, [
        { path: /^\/v3\//, kind: 'status', status: 429, times: 3, withoutRateHeaders: rng.chance(0.5) },
        { path: /^\/v3\//, kind: 'status', status: 500, times: 3 },
        { path: /^\/v3\//, kind: 'cut', times: 2 },
        { path: /^\/v3\//, kind: 'malformed', times: 2 },
      ]),
    ], files);
  },
};

export const OUTAGE_RETRY_SECONDS = 4;

/**
 * The provider answers 5xx for longer than PROVIDER_RETRY_SECONDS: the job fails with a clear
 * message, and once the provider answers again /retry completes it exactly.
 */
const providerOutage: Scenario = {
  name: 'provider-outage',
  title: `provider outage longer than PROVIDER_RETRY_SECONDS (${OUTAGE_RETRY_SECONDS} s): fails clearly, /retry completes`,
  env: (ctx) => ({ ...plainEnv(ctx), key: 'resend-plain-short-retry', settings: { PROVIDER_RETRY_SECONDS: String(OUTAGE_RETRY_SECONDS) } }),
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const run = await o.env.begin(org);
    const requests = resendContactsRequests(o.env.resend.account);
    setRateLimit(o.env, 20);
    const base = o.env.emulator.stats.total;
    await run.approve();
    const target = 8 + rng.int(1, Math.max(2, Math.round(requests * 0.7)));
    await poll(async () => requestsSince(o, base), (n) => n >= target, 120_000, `import request ${target}`);
    const status = rng.pick([500, 502, 503] as const);
    const outage = o.env.emulator.faults.inject({ kind: 'status', status, times: 1_000_000 });
    const outageAt = Date.now();
    const atOutage = await run.job();
    if (atOutage.status !== 'importing') throw new MissedFault(`the outage began after the job ended (${atOutage.status})`);
    const notes = [`outage (${status}) from import request ${target}, in ${phaseOf(atOutage)}`];
    const findings: Finding[] = [];
    let failed: JobState;
    try {
      failed = await run.waitForEnd(60_000 + OUTAGE_RETRY_SECONDS * 1000);
    } catch {
      outage.remove();
      return { scenario: '', jobId: run.id, notes, recoverMs: null, findings: [{ kind: 'stuck', what: 'job', detail: `not failed during a provider outage of 60 s with PROVIDER_RETRY_SECONDS=${OUTAGE_RETRY_SECONDS}: ${await stuckDetail(run)}` }] };
    }
    const failedAfter = ((failed.completed_ms ?? Date.now()) - outageAt) / 1000;
    notes.push(`failed after ${failedAfter.toFixed(1)} s: ${failed.error_message}`);
    if (failed.status !== 'failed') {
      findings.push({ kind: 'wrong', what: 'job', detail: `the job ${failed.status} during an outage longer than PROVIDER_RETRY_SECONDS` });
    } else {
      const clear = /^Stopped in the \w+ phase: Resend GET \S+ failed after \d+ attempts over \d+ s \(server error 50[023]\); .*retry the migration/;
      if (!clear.test(failed.error_message ?? '')) findings.push({ kind: 'wrong', what: 'error_message', detail: `not the documented message: ${failed.error_message}` });
      // One request is retried for PROVIDER_RETRY_SECONDS, plus at most one backoff (8 s) and the request in flight.
      if (failedAfter < OUTAGE_RETRY_SECONDS - 0.5 || failedAfter > OUTAGE_RETRY_SECONDS + 8 + 5) {
        findings.push({ kind: 'wrong', what: 'retry budget', detail: `failed ${failedAfter.toFixed(1)} s into the outage with PROVIDER_RETRY_SECONDS=${OUTAGE_RETRY_SECONDS}` });
      }
    }
    const first = await Promise.race([run.followers[0]!.ended, sleep(20_000).then(() => null)]);
    if (!first?.completed || run.followers[0]!.events.at(-1)?.status !== 'failed') {
      findings.push({ kind: 'progress', what: 'subscriber 1', detail: `did not end with the failed event: ${JSON.stringify(first)} last ${JSON.stringify(run.followers[0]!.events.at(-1))}` });
    }
    outage.remove();
    setRateLimit(o.env, FULL_RATE);
    const retriedAt = Date.now();
    const retried = await run.retry();
    if (retried.status !== 200 || retried.body?.status !== 'importing') {
      findings.push({ kind: 'stuck', what: 'retry', detail: `/retry answered ${retried.status} ${JSON.stringify(retried.body)}` });
      return { scenario: '', jobId: run.id, notes, recoverMs: null, findings };
    }
    run.follow();
    const outcome = await settle(o, run, marks, retriedAt, 180_000, notes);
    // The first subscriber was checked above (it ended with failed); settle checked them all again.
    outcome.findings.unshift(...findings);
    return outcome;
  },
};

/** Cancel during the import, then retry after 0, 300 or 1000 ms (long profile; CI: test/migrations/cancel-then-retry.test.ts). */
const cancelRetry: Scenario = {
  name: 'cancel-retry',
  title: 'cancel, then retry after 0 / 300 / 1000 ms',
  env: plainEnv,
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const run = await o.env.begin(org);
    setRateLimit(o.env, 6);
    await run.approve();
    await run.waitFor((j) => run.contactsProcessed(j) >= 100, 120_000, '100 contacts processed');
    await sleep(rng.int(0, 500));
    const cancelled = await run.client.post(`/v1/migrate/${run.id}/cancel`);
    if (cancelled.body?.error_message !== 'cancelled') throw new MissedFault(`cancel answered ${cancelled.status} ${JSON.stringify(cancelled.body)}`);
    const delay = rng.pick([0, 300, 1000]);
    await sleep(delay);
    const retried = await run.retry();
    const notes = [`cancelled at ${run.contactsProcessed(await run.job())} contacts processed, retried ${delay} ms later: ${retried.status} ${retried.body?.status}`];
    // The cancel ended the first subscription with failed; a second follows the retry.
    run.follow();
    setRateLimit(o.env, FULL_RATE);
    if (retried.status !== 200) return { scenario: '', jobId: run.id, notes, recoverMs: null, findings: [{ kind: 'stuck', what: 'retry', detail: `/retry answered ${retried.status} ${JSON.stringify(retried.body)}` }] };
    return settle(o, run, marks, Date.now(), 120_000, notes);
  },
};

/** The lock's connection, or every import connection, terminated mid-import (long profile; CI: test/migrations/connection-loss.test.ts). */
const connectionLoss: Scenario = {
  name: 'connection-loss',
  title: 'database connections killed mid-import (the lock connection, or all import connections)',
  env: plainEnv,
  async run(o, rng) {
    const { marks, org } = await prepare(o);
    const run = await o.env.begin(org);
    setRateLimit(o.env, 8);
    await run.approve();
    await run.waitFor((j) => run.contactsProcessed(j) >= 100, 120_000, '100 contacts processed');
    await sleep(rng.int(0, 800));
    const which = rng.pick(['lock', 'all'] as const);
    const killed = which === 'lock'
      ? await o.env.db.query(
        `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
            and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`, [run.id])
      : await o.env.db.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'migrate-worker' and datname = current_database()`);
    const at = Date.now();
    const notes = [`terminated ${killed.length} connection(s): ${which === 'lock' ? 'the one holding the job lock' : 'every import connection'}`];
    if (!killed.length) throw new MissedFault('no connection to terminate');
    setRateLimit(o.env, FULL_RATE);
    return settle(o, run, marks, at, 120_000, notes);
  },
};

export const SCENARIOS: Scenario[] = [
  killScan, killContacts, killTemplates, killSuppressions, killSendgridExport, killFourInARow, killLockHolder,
  pgRestart, providerFaultsResend, providerFaultsSendgrid, providerOutage, cancelRetry, connectionLoss,
];

export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no chaos scenario ${name}`);
  return s;
}

/** The seed of one run of a scenario: well mixed, so neighbouring runs get unrelated fault points. */
export function runSeed(seed: number, name: string, run: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ run;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0xc2b2ae35);
  h ^= h >>> 16;
  return (Math.imul(h, 0x27d4eb2f) ^ (h >>> 13)) >>> 0;
}

/** Runs one scenario once, naming it in the outcome; a MissedFault or harness error is thrown. */
export async function runScenario(s: Scenario, o: OpenEnv, rng: Random, ctx: ScenarioContext): Promise<RunOutcome> {
  const outcome = await s.run(o, rng, ctx);
  outcome.scenario = s.name;
  return outcome;
}

/** A readable account of one outcome (and the processes' logs when it was not exact). */
export function describeOutcome(outcome: RunOutcome, o?: OpenEnv): string {
  const lines = [
    `${outcome.scenario} ${outcome.jobId}: ${outcome.findings.length ? `${outcome.findings.length} findings` : 'exact'}${outcome.recoverMs !== null ? `, recovered in ${(outcome.recoverMs / 1000).toFixed(1)} s` : ''}`,
    ...outcome.notes.map((n) => `  · ${n}`),
    ...outcome.findings.map((f) => `  ✗ ${f.kind} ${f.what}: ${f.detail}`),
  ];
  if (outcome.findings.length && o) lines.push(o.env.logs(3000));
  return lines.join('\n');
}
