import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Scenario } from '../harness.js';
import { migrate, startService } from '../harness.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator } from '../../emulators/resend/server.js';
import { resendContactsExport } from '../../emulators/resend/dashboard-exports.js';
import { RESEND_PAGE_SIZE } from '../../src/sources/resend/resend-pagination.js';

const run = promisify(execFile);

/** The contacts columns a raw COPY writes: everything the import wrote. */
const CONTACT_COLUMNS = 'id, organization_id, email, email_display, first_name, last_name, unsubscribed, custom_fields, migration_job_id, created_at, updated_at';
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * A Resend account of `rows` contacts in no list, each holding all five of its properties (the
 * generator gives some of them to some contacts; here every row of the export is full).
 */
function fullAccount(rows: number) {
  const account = generateResendAccount({ seed: 5, age: 'new', contacts: rows, lists: 0, domains: 0, templates: 0, topics: 0, suppressions: 0, properties: 5, invalidShare: 0 });
  const properties = account.contactProperties;
  account.contacts.forEach((c, i) => {
    c.properties = Object.fromEntries(properties.map((p) => [p.key, p.type === 'number' ? i % 10_000 : p.type === 'boolean' ? i % 2 === 0 : `${p.key} ${i % 5000}`]));
  });
  return account;
}

/**
 * A 1,000,000-contact Resend account with five properties, migrated with its contacts export
 * uploaded: POSTed over real HTTP (stored as it arrives, read once through the CSV reader and the
 * row checks into upload_rows), then imported, every contact's properties taken from the upload
 * (the emulator counts the per-contact reads: none). Baseline: raw COPY of the very rows staged
 * and of the contacts written, into the same tables of a fresh database. The emulator is unpaced
 * so the figure is this service's work; beside it, the modelled source time at 10 req/s.
 */
export const uploadScenario: Scenario = {
  name: 'upload',
  describe: 'a 1,000,000-row Resend contacts export: upload, then the import that uses it, vs raw COPY of the same rows',
  async run(ctx) {
    const rows = ctx.scaled(1_000_000);
    const account = fullAccount(rows);
    const file = Buffer.from(resendContactsExport(account));
    const db = await ctx.database();
    // No allowance to wait for: what is measured is this service's work, not the provider's pacing.
    const resend = await startResendEmulator({ account, rateLimit: 1_000_000 });
    const service = await startService(db.url, db.orm, { RESEND_BASE_URL: resend.url });
    const dir = await mkdtemp(join(tmpdir(), 'upload-bench-'));
    try {
      const path = join(dir, 'contacts.csv');
      await writeFile(path, file);
      let uploadSeconds = 0;
      let staged: Buffer = Buffer.alloc(0);
      const credential = account.apiKeys.find((k) => k.permission === 'full_access')!.token;
      const imported = await migrate(service, 'resend', credential, {
        beforeImport: async (id) => {
          // Sent by curl, another process, as a client would: the service's event loop is its own.
          const began = performance.now();
          const { stdout } = await run('curl', ['-sS', '-X', 'POST', '-H', `Authorization: Bearer ${service.key}`, '-H', 'content-type: text/csv', '--data-binary', `@${path}`, '-w', '\n%{http_code}', `${service.url}/v1/migrate/${id}/uploads`], { maxBuffer: 1 << 24 });
          uploadSeconds = (performance.now() - began) / 1000;
          const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
          const answer = JSON.parse(body) as { rows: number; id: string };
          if (status !== '201' || answer.rows !== rows) throw new Error(`upload answered ${status}: ${body.slice(0, 300)}`);
          // Dumped before the import deletes it with the completed job.
          staged = await ctx.copyOut(db.pool, `copy (select upload_id, seq, line, email, data from upload_rows where upload_id = '${answer.id}') to stdout`);
        },
      });
      const propertyReads = resend.stats.byRoute['GET /contacts/{id}'] ?? 0;
      const written = await ctx.copyOut(db.pool, `copy (select ${CONTACT_COLUMNS} from contacts where migration_job_id = '${imported.id}') to stdout`);
      const [{ n }] = (await db.pool.query<{ n: number }>('select count(*)::int as n from contacts where migration_job_id = $1', [imported.id])).rows as [{ n: number }];
      if (n !== rows) throw new Error(`the import wrote ${n} contacts of ${rows}`);

      const fresh = await ctx.database();
      try {
        const copyBegan = performance.now();
        await ctx.copyIn(fresh.pool, 'copy upload_rows (upload_id, seq, line, email, data) from stdin', staged);
        const stageCopySeconds = (performance.now() - copyBegan) / 1000;
        await fresh.pool.query(`insert into organizations (id, name) values ($1, 'bench')`, [service.organizationId]);
        const contactsBegan = performance.now();
        await ctx.copyIn(fresh.pool, `copy contacts (${CONTACT_COLUMNS}) from stdin`, written);
        const contactsCopySeconds = (performance.now() - contactsBegan) / 1000;
        const rate = (seconds: number) => Math.round(rows / seconds);
        const apiOnly = Math.ceil(rows / RESEND_PAGE_SIZE) + rows;
        const withUpload = Math.ceil(rows / RESEND_PAGE_SIZE);
        const hours = (requests: number) => `${Math.round((requests / 10 / 3600) * 10) / 10} h`;
        const whole = uploadSeconds + imported.importSeconds;
        const raw = stageCopySeconds + contactsCopySeconds;
        return [
          {
            name: `upload (${rows} rows, ${Math.round(file.length / 1e6)} MB)`,
            figure: rate(uploadSeconds),
            baseline: rate(stageCopySeconds),
            ratio: round3(stageCopySeconds / uploadSeconds),
            unit: 'rows/s',
            target: '≥ 0.6 of raw COPY',
            met: stageCopySeconds / uploadSeconds >= 0.6,
            notes: `upload ${uploadSeconds.toFixed(1)} s (HTTP, store, read, check, stage), raw COPY of the staged rows ${stageCopySeconds.toFixed(1)} s`,
          },
          {
            name: `upload → import (${rows} contacts, five properties each)`,
            figure: rate(whole),
            baseline: rate(raw),
            ratio: round3(raw / whole),
            unit: 'contacts/s',
            target: '≥ 0.6 of raw COPY',
            met: raw / whole >= 0.6,
            notes:
              `upload ${uploadSeconds.toFixed(1)} s + import ${imported.importSeconds.toFixed(1)} s (${withUpload} list pages from the emulator, unpaced; ${propertyReads} per-contact reads), ` +
              `raw COPY of the staged rows and of the contacts written ${stageCopySeconds.toFixed(1)} + ${contactsCopySeconds.toFixed(1)} s; ` +
              `modelled at 10 req/s: API only ${apiOnly} requests = ${hours(apiOnly)}, with the upload ${withUpload} list requests = ${hours(withUpload)}`,
          },
        ];
      } finally {
        await fresh.drop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await service.close();
      await resend.close();
      await db.drop();
    }
  },
};
