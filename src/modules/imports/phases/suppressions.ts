import { emailProblem } from '../../../sources/shared/email.js';
import type { ImportContext } from '../import-context.js';

/**
 * Global suppressions: every contact unsubscribed here (so nothing opted out at the source can
 * become sendable), then the source's suppression list (bounces, complaints, manual) with its
 * reason and original date. Existing suppressions are kept as they are.
 */
export async function importSuppressions(ctx: ImportContext): Promise<void> {
  ctx.progress.phase = 'suppressions';
  if (!ctx.options.suppressions) return;
  const counter = ctx.count('suppressions', null);
  const { organizationId, source } = ctx.job;
  const mark = (ctx.checkpoints.suppressions ??= { after: null, done: false });
  if (!mark.done) {
    // A resumed import goes on after the last committed page.
    for await (const page of ctx.connector.suppressions(mark.after)) {
      await ctx.commit(async (client) => {
        const rows = page.items.filter((s) => {
          const problem = emailProblem(s.email);
          if (problem) ctx.tally.error('suppression', problem, s.email);
          return !problem;
        });
        const { rowCount } = await client.query(
          `insert into suppressions (organization_id, email, reason, source_provider, source_created_at)
           select $1, e, r, $2, d from unnest($3::text[], $4::text[], $5::timestamptz[]) as t(e, r, d)
           on conflict (organization_id, coalesce(group_id, ''), email) do nothing`,
          [organizationId, source, rows.map((s) => s.email), rows.map((s) => s.reason), rows.map((s) => s.createdAt)],
        );
        ctx.tally.imported('suppressions', rowCount ?? 0);
        counter.processed += page.items.length;
        mark.after = page.nextCursor;
        mark.done = page.nextCursor === null;
      });
    }
    if (!mark.done) await ctx.commit(async () => void (mark.done = true));
  }
  await ctx.commit(async (client) => {
    const { rowCount } = await client.query(
      `insert into suppressions (organization_id, email, reason, source_provider)
       select organization_id, email, 'unsubscribe', $2 from contacts where organization_id = $1 and unsubscribed
       on conflict (organization_id, coalesce(group_id, ''), email) do nothing`,
      [organizationId, source],
    );
    ctx.tally.imported('unsubscribe_suppressions', rowCount ?? 0);
  });
}
