import { randomBytes } from 'node:crypto';
import type { Scenario } from '../harness.js';
import { sendgridImport } from './sendgrid-import.js';
import { checkBrowsePlans } from '../browse-plans.js';

/**
 * Ingest ratio: a SendGrid migration of 1,000,000 contacts (gzip CSV export files, custom
 * fields, two lists) through the real worker into the real tables, against a raw COPY of the
 * very rows it wrote (contacts and memberships, dumped after the import) into the same tables of
 * a fresh database on the same server. Figure and baseline in contacts per second; the import's
 * time runs from approval to `completed` and includes the exports, downloads, parsing and
 * per-row checks.
 */
export const ingestScenario: Scenario = {
  name: 'ingest',
  describe: 'SendGrid migration of 1,000,000 contacts vs raw COPY of the same rows',
  async run(ctx) {
    const run = await sendgridImport(ctx, ctx.scaled(1_000_000), true);
    const dump = run.dump!;
    const db = await ctx.database();
    try {
      await db.pool.query(`insert into organizations (id, name) values ($1, $2)`, [dump.organizationId, `Baseline ${randomBytes(3).toString('hex')}`]);
      for (const a of dump.audiences) {
        await db.pool.query('insert into audiences (id, organization_id, name) values ($1, $2, $3)', [a.id, dump.organizationId, a.name]);
      }
      const started = performance.now();
      await ctx.copyIn(db.pool, 'copy contacts (id, organization_id, email, email_display, first_name, last_name, unsubscribed, custom_fields, migration_job_id) from stdin', dump.contacts);
      await ctx.copyIn(db.pool, 'copy audience_members (audience_id, organization_id, contact_id, unsubscribed) from stdin', dump.memberships);
      const copySeconds = (performance.now() - started) / 1000;
      const plans = await checkBrowsePlans(db.pool, dump.organizationId, dump.audiences[0]!.id);
      const pages = plans.filter((p) => p.query.includes('page'));
      const ours = run.contactRows / run.importSeconds;
      const raw = run.contactRows / copySeconds;
      return [
        {
          name: `ingest (${run.contactRows} contacts)`,
          figure: Math.round(ours),
          baseline: Math.round(raw),
          ratio: round(ours / raw),
          unit: 'contacts/s',
          target: '≥ 0.5 of raw COPY',
          met: ours / raw >= 0.5,
          notes: `import ${round(run.importSeconds)} s (${run.contactRows} contacts, ${run.membershipRows} memberships), raw COPY of the same rows ${round(copySeconds)} s`,
        },
        {
          name: `browse page plans (${run.contactRows} contacts)`,
          figure: Math.max(...pages.map((p) => p.ms)),
          baseline: Math.min(...pages.map((p) => p.ms)),
          ratio: round(Math.max(...pages.map((p) => p.ms)) / Math.max(0.01, Math.min(...pages.map((p) => p.ms)))),
          unit: 'ms',
          target: 'index scans only, no table scan',
          met: pages.every((p) => !p.scansTable),
          notes: plans.map((p) => `\n    ${p.query}: ${p.ms} ms, ${p.nodes.join(' > ')}`).join(''),
        },
      ];
    } finally {
      await db.drop();
    }
  },
};

const round = (n: number) => Math.round(n * 1000) / 1000;
