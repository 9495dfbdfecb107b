import { readFile } from 'node:fs/promises';
import type { Scenario } from '../harness.js';
import { migrate, startService } from '../harness.js';
import { generateSendGridAccount, sendgridTruth } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator } from '../../emulators/sendgrid/server.js';

/** Peak resident memory of a process (Linux: VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}

/**
 * Memory of a streamed import: a full SendGrid migration (export files, custom fields, lists,
 * templates, suppressions) of 20,000 and of 200,000 contacts, each through a fresh worker
 * process; figure: the worker's peak RSS at 200,000, baseline: at 20,000. Both imports are also
 * checked for exactness (every valid contact arrives once).
 */
export const sendgridMemoryScenario: Scenario = {
  name: 'sendgrid-memory',
  describe: 'SendGrid migration of 20,000 vs 200,000 contacts: worker peak RSS',
  async run(ctx) {
    const peaks: { contacts: number; mb: number; seconds: number }[] = [];
    for (const contacts of [ctx.scaled(20_000), ctx.scaled(200_000)]) {
      const db = await ctx.database();
      const account = generateSendGridAccount({ seed: 9, contacts, lists: 4, customFields: 2, templates: 5, groups: 3, suppressions: 200 });
      const sendgrid = await startSendGridEmulator({ account, maxFileSizeContacts: 50_000 });
      const service = await startService(db.url, db.orm, { SENDGRID_BASE_URL: sendgrid.url, SENDGRID_CDN_URL: sendgrid.cdnUrl });
      try {
        const credential = account.apiKeys.find((k) => k.name === 'Migration (read all)')!.token;
        const run = await migrate(service, 'sendgrid', credential);
        const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from contacts where organization_id = $1', [service.organizationId]);
        const expected = sendgridTruth(account).contactEmails.length;
        if (rows[0]!.n !== expected) throw new Error(`${contacts} contacts: imported ${rows[0]!.n}, expected ${expected}`);
        peaks.push({ contacts, mb: await peakRssMb(service.worker.child.pid!), seconds: run.importSeconds });
      } finally {
        await service.close();
        await sendgrid.close();
        await db.drop();
      }
    }
    const [small, large] = peaks as [(typeof peaks)[0], (typeof peaks)[0]];
    const ratio = Math.round((large.mb / small.mb) * 1000) / 1000;
    return [
      {
        name: `worker peak RSS (${large.contacts} vs ${small.contacts} contacts)`,
        figure: large.mb,
        baseline: small.mb,
        ratio,
        unit: 'MB',
        target: '≤ 1.3× and < 300 MB',
        met: ratio <= 1.3 && large.mb < 300,
        notes: `imports took ${Math.round(small.seconds)} s and ${Math.round(large.seconds)} s; both exact`,
      },
    ];
  },
};
