import { emailProblem } from '../../../sources/shared/email.js';
import type { ImportContext } from '../import-context.js';
import { insertSuppressions, suppressUnsubscribedContacts } from '../../suppressions/suppression.repository.js';

/**
 * Global suppressions: every contact unsubscribed here (so nothing opted out at the source can
 * become sendable), then the source's suppression list (bounces, complaints, manual) with its
 * reason and original date. Existing suppressions are kept as they are.
 */
export async function importSuppressions(ctx: ImportContext): Promise<void> {
  ctx.enterPhase('suppressions');
  if (!ctx.options.suppressions) return;
  const counter = ctx.count('suppressions');
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
        const entries = rows.map((s) => ({ email: s.email, reason: s.reason, groupId: null, sourceCreatedAt: s.createdAt }));
        ctx.tally.imported('suppressions', await insertSuppressions(client, organizationId, source, entries));
        counter.processed += page.items.length;
        mark.after = page.nextCursor;
        mark.done = page.nextCursor === null;
      });
    }
    if (!mark.done) await ctx.commit(async () => void (mark.done = true));
  }
  await ctx.commit(async (client) => {
    ctx.tally.imported('unsubscribe_suppressions', await suppressUnsubscribedContacts(client, organizationId, source));
  });
}
