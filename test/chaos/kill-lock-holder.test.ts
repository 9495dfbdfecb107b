import { describe, expect, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';

// Two worker processes; the one whose database connection holds the job's lock is killed.
const chaos = useChaosEnv('kill-lock-holder');

describe('two workers, the one holding the import killed', () => {
  it('the other takes the lock over and completes the import exactly', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    const outcome = await chaos.run('kill-lock-holder');
    expect(outcome.notes.join('\n')).toMatch(/took the lock over/);
    expect(chaos.open.env.liveWorkers()).toHaveLength(1);
  });
});
