import { describe, expect, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';

// A Resend account with every kind (legacy audiences beside segments, properties, topics,
// templates, suppressions; ~1,500 contacts); short heartbeats, so a killed worker's job is back
// within seconds.
const chaos = useChaosEnv('kill-scan');

describe('kill -9 of the worker', () => {
  it('during the scan: the scan is redelivered, and the import is exact', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    const outcome = await chaos.run('kill-scan');
    expect(outcome.notes.join('\n')).toMatch(/killed at the scan's request/);
  });

  it('in the contacts phase: the import resumes from its checkpoint and is exact', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    await chaos.run('kill-contacts');
  });
});
