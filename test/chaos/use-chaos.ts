import { afterAll, beforeAll, expect, inject } from 'vitest';
import { createRandom } from './chaos-harness.js';
import {
  describeOutcome, openEnv, runScenario, runSeed, scenario, type OpenEnv, type RunOutcome, type ScenarioContext,
} from './chaos-scenarios.js';

/** Fault points of the CI runs: fixed, unless CHAOS_SEED asks for others. */
export const CHAOS_SEED = Number(process.env.CHAOS_SEED ?? 1);

/** Per chaos test: one run of a scenario at CI size. */
export const CHAOS_TEST_TIMEOUT = 180_000;

/**
 * The environment of the named scenario (emulator, database, API and worker processes) for one
 * test file, opened before its tests and closed after them; `run(name)` runs a scenario once and
 * asserts it was exact (no findings), printing where its fault landed.
 */
export function useChaosEnv(envOf: string) {
  const ctx: ScenarioContext = { adminUrl: '', profile: 'ci', scale: 1, log: () => {} };
  const state = {} as { open: OpenEnv };
  beforeAll(async () => {
    ctx.adminUrl = inject('adminDatabaseUrl');
    state.open = await openEnv(scenario(envOf).env(ctx), ctx);
  });
  afterAll(async () => {
    await state.open?.close();
  });
  return {
    get open(): OpenEnv {
      return state.open;
    },
    async run(name: string): Promise<RunOutcome> {
      const outcome = await runScenario(scenario(name), state.open, createRandom(runSeed(CHAOS_SEED, name, 0)), ctx);
      process.stdout.write(`${describeOutcome(outcome)}\n`);
      expect(outcome.findings, describeOutcome(outcome, state.open)).toEqual([]);
      return outcome;
    },
  };
}
