import { readFile } from 'node:fs/promises';
import type { BenchContext, RunningService } from '../harness.js';
import { migrate, startService } from '../harness.js';
import { generateSendGridAccount, sendgridTruth } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator } from '../../emulators/sendgrid/server.js';

export interface SendGridImportRun {
  contacts: number;
  importSeconds: number;
  workerPeakMb: number;
  contactRows: number;
  membershipRows: number;
  /** The rows the import wrote, as COPY text, for the raw-COPY baseline. */
  dump?: { organizationId: string; audiences: { id: string; name: string }[]; contacts: Buffer; memberships: Buffer };
}

/** Peak resident memory of a process (Linux: VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}

/**
 * One SendGrid migration of `contacts` contacts (two lists, custom fields of each type, nothing
 * else) through the real API and a fresh worker process, checked for exactness. The emulator
 * builds its export files before the import starts, so its own CPU time is not measured.
 * Memoized per size: the ingest and memory scenarios share the 1,000,000-contact run.
 */
export function sendgridImport(ctx: BenchContext, contacts: number, keepRows: boolean): Promise<SendGridImportRun> {
  return ctx.memo(`sendgrid-import:${contacts}:${keepRows}`, async () => {
    const db = await ctx.database();
    const account = generateSendGridAccount({
      seed: 11, contacts, lists: 2, customFields: 1, templates: 0, legacyTemplates: 0, groups: 0, suppressions: 0, unsubscribedShare: 0,
    });
    const sendgrid = await startSendGridEmulator({ account, maxFileSizeContacts: 100_000 });
    sendgrid.prebuildExports([[], ...account.lists.map((l) => [l.id])]);
    let service: RunningService | undefined;
    try {
      service = await startService(db.url, db.orm, { SENDGRID_BASE_URL: sendgrid.url, SENDGRID_CDN_URL: sendgrid.cdnUrl });
      const credential = account.apiKeys.find((k) => k.name === 'Migration (read all)')!.token;
      const run = await migrate(service, 'sendgrid', credential);
      const workerPeakMb = await peakRssMb(service.worker.child.pid!);
      const org = service.organizationId;
      const count = async (table: string) =>
        Number((await db.pool.query(`select count(*) as n from ${table} where organization_id = $1`, [org])).rows[0].n);
      const contactRows = await count('contacts');
      const membershipRows = await count('audience_members');
      const expected = sendgridTruth(account).contactEmails.length;
      if (contactRows !== expected) throw new Error(`${contacts} contacts: imported ${contactRows}, expected ${expected}`);
      const result: SendGridImportRun = { contacts, importSeconds: run.importSeconds, workerPeakMb, contactRows, membershipRows };
      if (keepRows) {
        const audiences = (await db.pool.query('select id, name from audiences where organization_id = $1', [org])).rows;
        result.dump = {
          organizationId: org,
          audiences,
          contacts: await ctx.copyOut(db.pool, `copy (select id, organization_id, email, email_display, first_name, last_name, unsubscribed, custom_fields, migration_job_id from contacts where organization_id = '${org}') to stdout`),
          memberships: await ctx.copyOut(db.pool, `copy (select audience_id, organization_id, contact_id, unsubscribed from audience_members where organization_id = '${org}') to stdout`),
        };
      }
      return result;
    } finally {
      await service?.close();
      await sendgrid.close();
      await db.drop();
    }
  });
}
