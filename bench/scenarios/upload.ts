import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Scenario } from '../harness.js';
import { startService } from '../harness.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator } from '../../emulators/resend/server.js';
import { restClient } from '../../test/support/rest-client.js';
import { eventually } from '../../test/support/test-worker.js';
import { RESEND_PAGE_SIZE } from '../../src/sources/resend/resend-pagination.js';

const run = promisify(execFile);

const PROPERTIES = ['company', 'plan', 'lifetime_value', 'country', 'signup_source'];

/** A Resend-style contacts export of `rows` contacts with five properties. */
function exportFile(rows: number): Buffer {
  const parts = [`id,email,first_name,last_name,unsubscribed,created_at,${PROPERTIES.join(',')}\n`];
  for (let i = 0; i < rows; i++) {
    parts.push(`c${i},person${i}@example${i % 97}.com,First${i % 1000},Last${i % 777},${i % 20 === 0},2026-01-01 00:00:00+00,Company ${i % 5000},${['free', 'pro', 'team'][i % 3]},${i % 10000},NL,ads\n`);
  }
  return Buffer.from(parts.join(''));
}

/**
 * The upload path of a 1,000,000-row Resend contacts export: POST over real HTTP, stored as it
 * arrives, read once through the CSV reader and the row checks into upload_rows. Baseline: a raw
 * COPY of the very rows it staged (dumped afterwards) into the same table of a fresh database.
 * Beside it, the modelled source time at 10 req/s: the API path reads every contact's properties
 * one by one; with the export, only the contact list pages remain.
 */
export const uploadScenario: Scenario = {
  name: 'upload',
  describe: 'upload of a 1,000,000-row Resend contacts export vs raw COPY of the same rows',
  async run(ctx) {
    const rows = ctx.scaled(1_000_000);
    const file = exportFile(rows);
    const db = await ctx.database();
    const resend = await startResendEmulator({ account: generateResendAccount({ seed: 5, contacts: 20, lists: 1 }), rateLimit: 100 });
    const service = await startService(db.url, db.orm, { RESEND_BASE_URL: resend.url });
    try {
      const client = restClient(service.url, service.key);
      const started = await client.post('/v1/migrate', { source: 'resend', credential: resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token });
      const id = started.body.id as string;
      await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review', 120_000);
      // Sent by curl, another process, as a client would: the service's event loop is its own.
      const path = join(await mkdtemp(join(tmpdir(), 'upload-bench-')), 'contacts.csv');
      await writeFile(path, file);
      const began = performance.now();
      const { stdout } = await run('curl', ['-sS', '-X', 'POST', '-H', `Authorization: Bearer ${service.key}`, '-H', 'content-type: text/csv', '--data-binary', `@${path}`, '-w', '\n%{http_code}', `${service.url}/v1/migrate/${id}/uploads`], { maxBuffer: 1 << 24 });
      const uploadSeconds = (performance.now() - began) / 1000;
      await rm(dirname(path), { recursive: true, force: true });
      const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
      const answer = JSON.parse(body) as { rows: number; id: string };
      if (status !== '201' || answer.rows !== rows) throw new Error(`upload answered ${status}: ${body.slice(0, 300)}`);
      const staged = await ctx.copyOut(db.pool, `copy (select upload_id, seq, line, email, data from upload_rows where upload_id = '${answer.id}') to stdout`);

      const fresh = await ctx.database();
      try {
        const copyBegan = performance.now();
        await ctx.copyIn(fresh.pool, 'copy upload_rows (upload_id, seq, line, email, data) from stdin', staged);
        const copySeconds = (performance.now() - copyBegan) / 1000;
        const ours = rows / uploadSeconds;
        const raw = rows / copySeconds;
        const apiOnly = Math.ceil(rows / RESEND_PAGE_SIZE) + rows;
        const withUpload = Math.ceil(rows / RESEND_PAGE_SIZE);
        const hours = (requests: number) => `${Math.round((requests / 10 / 3600) * 10) / 10} h`;
        return [
          {
            name: `upload (${rows} rows, ${Math.round(file.length / 1e6)} MB)`,
            figure: Math.round(ours),
            baseline: Math.round(raw),
            ratio: Math.round((ours / raw) * 1000) / 1000,
            unit: 'rows/s',
            target: '≥ 0.6 of raw COPY',
            met: ours / raw >= 0.6,
            notes:
              `upload ${uploadSeconds.toFixed(1)} s (HTTP, store, read, check, stage), raw COPY of the staged rows ${copySeconds.toFixed(1)} s; ` +
              `modelled at 10 req/s: API only ${apiOnly} requests = ${hours(apiOnly)}, with the upload ${withUpload} list requests = ${hours(withUpload)}`,
          },
        ];
      } finally {
        await fresh.drop();
      }
    } finally {
      await service.close();
      await resend.close();
      await db.drop();
    }
  },
};
