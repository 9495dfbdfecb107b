import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { eventually } from '../support/test-worker.js';
import { resendTruth } from '../../emulators/resend/generator.js';

const env = useMigrationEnv({
  account: { seed: 29, age: 'new', contacts: 900, lists: 2 },
  settings: { JOB_HEARTBEAT_SECONDS: '10', JOB_MONITOR_INTERVAL_SECONDS: '1' },
});

describe('cancel, then retry at once', () => {
  for (const delayMs of [0, 300, 1000]) {
    it(`after ${delayMs} ms: the retry runs (never dropped), the cancelled run commits nothing more, the rows are exact`, { timeout: 120_000 }, async () => {
      const { org, key } = await createOrgWithKey(env.db);
      const { client, id } = await env.importingContacts(key, { rateLimit: 6, atLeast: 100 });
      expect((await client.post(`/v1/migrate/${id}/cancel`)).body.error_message).toBe('cancelled');
      await sleep(delayMs);
      const retried = await client.post(`/v1/migrate/${id}/retry`);
      expect(retried.body.status).toBe('importing');
      env.resend.setRateLimit(100);
      const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status !== 'importing', 90_000);
      expect(done.body.status, done.body.error_message).toBe('completed');
      const emails = await env.db.query<{ email: string }>('select email from contacts where organization_id = $1 order by email', [org.id]);
      expect(emails.map((r) => r.email)).toEqual(resendTruth(env.resend.account).contactEmails);
      expect(env.worker!.output()).not.toMatch(/leaving it there/);
    });
  }
});
