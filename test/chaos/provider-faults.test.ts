import { describe, it } from 'vitest';
import { CHAOS_TEST_TIMEOUT, useChaosEnv } from './use-chaos.js';

// Faults injected into the emulators during an import, each starting after a random number of
// requests: a 429 storm, a 5xx burst (500, 502, 503), cut connections and malformed bodies;
// for SendGrid also on the export files being streamed. Every one must fire, and the import
// must still be exact.
describe('provider faults during a Resend import', () => {
  const chaos = useChaosEnv('provider-faults-resend');
  it('are absorbed: the import is exact', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    await chaos.run('provider-faults-resend');
  });
});

describe('provider faults during a SendGrid import', () => {
  const chaos = useChaosEnv('provider-faults-sendgrid');
  it('are absorbed, on the API and on the export downloads: the import is exact', { timeout: CHAOS_TEST_TIMEOUT }, async () => {
    await chaos.run('provider-faults-sendgrid');
  });
});
