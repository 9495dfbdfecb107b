/**
 * Every fuzz property (input class), in the order they run, and a runner for a whole suite that
 * both test/fuzz/api-fuzz.test.ts and scripts/fuzz.ts use.
 */
import type { FuzzEnv } from './fuzz-env.js';
import { runProperty, type FuzzProperty, type PropertyReport } from './fuzz-harness.js';
import { REST_PROPERTIES } from './fuzz-rest.js';
import { REST_BODY_PROPERTIES } from './fuzz-rest-bodies.js';
import { GRAPHQL_PROPERTIES } from './fuzz-graphql-properties.js';
import { WS_PROPERTIES } from './fuzz-ws.js';
import { UPLOAD_PROPERTIES } from './fuzz-uploads.js';

export const ALL_PROPERTIES: FuzzProperty[] = [...REST_PROPERTIES, ...REST_BODY_PROPERTIES, ...GRAPHQL_PROPERTIES, ...WS_PROPERTIES, ...UPLOAD_PROPERTIES];

/** Runs per property: FUZZ_RUNS, or the caller's default. */
export function fuzzRuns(defaultRuns: number): number {
  const raw = process.env.FUZZ_RUNS;
  const n = raw === undefined || raw === '' ? defaultRuns : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${raw}`);
  return n;
}

/** FUZZ_SEED, for replaying a run; a fresh seed otherwise (printed with the report). */
export function fuzzSeed(): number {
  const raw = process.env.FUZZ_SEED;
  if (raw) return Number(raw);
  // npm test replays one fixed seed (CI must not fail by the draw); npm run fuzz draws a new one each time.
  return process.env.VITEST ? 20_261_203 : Math.floor(Math.random() * 2 ** 31);
}

/** FUZZ_ONLY: comma-separated substrings of property names to run (all when unset). */
export function selectedProperties(): FuzzProperty[] {
  const only = (process.env.FUZZ_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return only.length ? ALL_PROPERTIES.filter((p) => only.some((o) => p.name.includes(o))) : ALL_PROPERTIES;
}

export async function runAll(
  env: FuzzEnv,
  options: { runs: number; seed: number; properties?: FuzzProperty[]; onReport?: (r: PropertyReport) => void },
): Promise<PropertyReport[]> {
  const reports: PropertyReport[] = [];
  for (const property of options.properties ?? ALL_PROPERTIES) {
    const report = await runProperty(env, property, { runs: options.runs, seed: options.seed });
    reports.push(report);
    options.onReport?.(report);
    if (report.violations.some((v) => v.rule === 'api-exited')) break;
  }
  return reports;
}
