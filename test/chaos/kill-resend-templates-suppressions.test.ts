import { describe, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';

// The Resend account with every kind; each template read (then each suppressions page) is made
// late by the emulator so the kill lands inside that phase.
const chaos = useChaosEnv('kill-templates');

describe('kill -9 of the worker', () => {
  it('in the templates phase: no template twice or missing, counts exact', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    await chaos.run('kill-templates');
  });

  it('in the suppressions phase: it resumes after the last committed page, exact', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    await chaos.run('kill-suppressions');
  });
});
