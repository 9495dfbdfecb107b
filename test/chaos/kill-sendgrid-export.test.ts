import { describe, expect, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';

// A SendGrid account of 20,000 contacts in two lists (every export more than one batch of
// 10,000, in files of 5,000); export files are served late so the kill falls between two batches.
const chaos = useChaosEnv('kill-sendgrid-export');

describe('kill -9 of the worker inside a SendGrid export', () => {
  it('resumes inside the same export after the last committed batch and lands every kind exactly', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    const outcome = await chaos.run('kill-sendgrid-export');
    expect(outcome.notes.join('\n')).toMatch(/killed inside the export of .* after \d+ records were committed/);
  });
});
