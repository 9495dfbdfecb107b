import { describe, expect, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';

// Its own embedded PostgreSQL (not the test run's), stopped and started again on the same data
// folder and port for 8–10 s while the worker imports.
const chaos = useChaosEnv('pg-restart');

describe('PostgreSQL restarted mid-import', () => {
  it('the worker and the API survive, the subscriber gets the end, the import completes exactly', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    const outcome = await chaos.run('pg-restart');
    expect(outcome.notes.join('\n')).toMatch(/down \d+\.\d s/);
    const { env } = chaos.open;
    expect(env.liveWorkers()).toHaveLength(1);
    expect(env.killed.size).toBe(0);
    expect(env.api.child.exitCode).toBeNull();
  });
});
