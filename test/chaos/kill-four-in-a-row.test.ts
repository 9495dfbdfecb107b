import { describe, expect, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';

// Four kills of the worker running one import, each after it committed something: the queue's
// retry limit (3) runs out after the fourth and the job has no queue work left; the reconciler
// must give it back. To stay CI-sized this test lets each queue retry go out without its backoff
// and calls reconcileMigrations(pool, jobs, logger, 0) directly instead of waiting for the
// one-minute schedule and grace; `npm run chaos` waits for both.
const chaos = useChaosEnv('kill-four-in-a-row');

describe('four kills in a row during one import', () => {
  it('the queue gives up, the reconciler gives the job back, and the import completes exactly', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    const outcome = await chaos.run('kill-four-in-a-row');
    const notes = outcome.notes.join('\n');
    expect(notes).toMatch(/kill 4 in/);
    expect(notes).toMatch(/queue work after the fourth kill: failed \(retry 3\)/);
    expect(notes).toMatch(/requeued this job/);
    expect(notes).toMatch(/recoveries 1/);
  });
});
