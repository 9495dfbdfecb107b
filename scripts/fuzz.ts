/**
 * `npm run fuzz`: the API fuzz properties of test/fuzz with many more runs, outside vitest.
 *
 *   FUZZ_RUNS   runs per property (default 500)
 *   FUZZ_SEED   replay a run (printed at the start)
 *   FUZZ_ONLY   comma-separated parts of property names to run (e.g. "rest.,ws.revoked")
 *   FUZZ_REPORT write the report as JSON to this file
 *   DATABASE_URL a server to create the run's database on; otherwise an embedded PostgreSQL
 *
 * Prints input class → runs → requests → status codes seen → violations, then every violation
 * group with an example; exits 1 when any property was violated.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.js';
import { freePort } from '../test/support/ports.js';
import { startFuzzEnv, type FuzzEnv } from '../test/fuzz/fuzz-env.js';
import { formatTable, formatViolations, groupViolations } from '../test/fuzz/fuzz-report.js';
import { fuzzRuns, fuzzSeed, runAll, selectedProperties } from '../test/fuzz/fuzz-properties.js';

async function main(): Promise<number> {
  const runs = fuzzRuns(500);
  const seed = fuzzSeed();
  const properties = selectedProperties();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`fuzz: ${properties.length} properties, FUZZ_RUNS=${runs}, FUZZ_SEED=${seed}`);

  let embedded: EmbeddedDatabase | undefined;
  let dir: string | undefined;
  let env: FuzzEnv | undefined;
  const cleanup = async () => {
    await env?.close();
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    void cleanup().finally(() => process.exit(130));
  });
  try {
    let adminDatabaseUrl = process.env.DATABASE_URL;
    if (!adminDatabaseUrl) {
      dir = await mkdtemp(path.join(os.tmpdir(), 'migrate-fuzz-'));
      embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres' });
      adminDatabaseUrl = embedded.url;
      log('fuzz: embedded PostgreSQL started');
    }
    env = await startFuzzEnv({ adminDatabaseUrl, log: (l) => log(`fuzz: ${l}`) });
    const started = performance.now();
    const reports = await runAll(env, {
      runs,
      seed,
      properties,
      onReport: (r) => log(`fuzz: ${r.name}: ${r.runs} runs, ${r.requests} requests, ${r.violations.length} violations (${(r.ms / 1000).toFixed(1)} s)`),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\nAPI fuzz: FUZZ_RUNS=${runs} FUZZ_SEED=${seed}, ${seconds} s\n\n${formatTable(reports)}\n`);
    const violations = formatViolations(reports);
    const groups = groupViolations(reports);
    process.stdout.write(violations ? `\n${groups.length} violation groups:\n\n${violations}\n` : '\nno violations\n');
    if (process.env.FUZZ_REPORT) {
      await writeFile(
        process.env.FUZZ_REPORT,
        JSON.stringify(
          {
            runs,
            seed,
            seconds: Number(seconds),
            properties: reports.map((r) => ({ ...r, statuses: Object.fromEntries(r.statuses) })),
            groups: groups.map((g) => ({ ...g.first, count: g.count })),
          },
          null,
          2,
        ),
      );
    }
    return reports.some((r) => r.violations.length) ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fuzz failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);
