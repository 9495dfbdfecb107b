import { describe, expect, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';
import { OUTAGE_RETRY_SECONDS } from './chaos-scenarios.js';

// PROVIDER_RETRY_SECONDS is a few seconds here; the emulator then answers 5xx to everything.
const chaos = useChaosEnv('provider-outage');

describe(`a provider outage longer than PROVIDER_RETRY_SECONDS (${OUTAGE_RETRY_SECONDS} s)`, () => {
  it('fails the job with a clear message, the subscriber sees it, and /retry completes it exactly', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    const outcome = await chaos.run('provider-outage');
    expect(outcome.notes.join('\n')).toMatch(/failed after .*: Stopped in the \w+ phase: Resend GET/);
    expect(outcome.notes.join('\n')).not.toMatch(/retried after that failure/);
  });
});
