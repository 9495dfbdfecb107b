import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runProperty, type PropertyReport } from './fuzz-harness.js';
import { startFuzzEnv, type FuzzEnv } from './fuzz-env.js';
import { formatTable, formatViolations } from './fuzz-report.js';
import { ALL_PROPERTIES, fuzzRuns, fuzzSeed } from './fuzz-properties.js';

/**
 * The API under generated input, as a real child process (production mode): every REST route,
 * every GraphQL operation over POST, GET and graphql-ws. The properties live in the harness
 * (test/fuzz/fuzz-*.ts) and are shared with `npm run fuzz`, which runs them longer.
 * FUZZ_RUNS sets the runs per property (default 40), FUZZ_SEED replays a run.
 */
const RUNS = fuzzRuns(40);
const SEED = fuzzSeed();

let env: FuzzEnv;
const reports: PropertyReport[] = [];

beforeAll(async () => {
  env = await startFuzzEnv({ adminDatabaseUrl: inject('adminDatabaseUrl') });
}, 120_000);

afterAll(async () => {
  if (reports.length) process.stdout.write(`\nAPI fuzz, FUZZ_RUNS=${RUNS} FUZZ_SEED=${SEED}\n${formatTable(reports)}\n`);
  await env?.close();
});

describe(`API fuzz (FUZZ_RUNS=${RUNS}, FUZZ_SEED=${SEED})`, () => {
  for (const property of ALL_PROPERTIES) {
    it(`${property.name}: ${property.describe}`, async () => {
      const report = await runProperty(env, property, { runs: RUNS, seed: SEED });
      reports.push(report);
      expect(formatViolations([report]), `violations of ${property.name} (replay with FUZZ_SEED=${SEED})`).toBe('');
    }, 180_000);
  }
});
