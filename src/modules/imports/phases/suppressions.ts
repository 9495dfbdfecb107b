import { emailProblem } from '../../../sources/shared/email.js';
import type { ImportContext } from '../import-context.js';
import { insertSuppressions, suppressUnsubscribedContacts, type SuppressionEntry } from '../../suppressions/suppression.repository.js';
import { suppressionRows } from '../../uploads/upload.repository.js';
import type { ScanSuppressionGroup } from '../../../model/scan-result.js';

/** Uploaded suppression records per transaction. */
const UPLOAD_BATCH = 5_000;

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
  await importUploadedSuppressions(ctx);
  await ctx.commit(async (client) => {
    ctx.tally.imported('unsubscribe_suppressions', await suppressUnsubscribedContacts(client, organizationId, source));
  });
}

/**
 * The suppression exports uploaded into the job, after the source's own list: each record with
 * its reason and date, global, or in its group (topic, tag, stream) when the group was imported.
 * A record of a group left out of the import is skipped: suppressing it everywhere would say
 * more than the customer did.
 */
async function importUploadedSuppressions(ctx: ImportContext): Promise<void> {
  const files = ctx.uploads.suppressionUploads;
  if (!files.length) return;
  const marks = ((ctx.checkpoints.uploads ??= {}).suppressions ??= {});
  const counter = ctx.count('suppressions');
  const localGroups = await ctx.localIds('suppression_group');
  const groupOf = groupResolver(ctx.job.scanResult?.suppressionGroups ?? []);
  const { organizationId, source } = ctx.job;
  for (const file of files) {
    const mark = (marks[file.id] ??= { after: -1, done: false });
    while (!mark.done) {
      const rows = await suppressionRows(ctx.pool, file.id, mark.after, UPLOAD_BATCH);
      await ctx.commit(async (client) => {
        const entries: SuppressionEntry[] = [];
        for (const { email, line, suppression: s } of rows) {
          const group = s.group === null ? null : groupOf(s.group);
          const groupId = group ? localGroups.get(group.id) : null;
          if (group && !groupId) {
            ctx.tally.error('suppression', `in the uploaded export (line ${line}) for the group “${group.name}”, which this import leaves out`, email);
            continue;
          }
          entries.push({ email, reason: s.reason, groupId: groupId ?? null, sourceCreatedAt: s.createdAt ? new Date(s.createdAt) : null });
        }
        const global = entries.filter((e) => e.groupId === null);
        ctx.tally.imported('suppressions', await insertSuppressions(client, organizationId, source, global));
        ctx.tally.imported('group_suppressions', await insertSuppressions(client, organizationId, source, entries.filter((e) => e.groupId !== null)));
        counter.processed += rows.length;
        mark.after = rows.at(-1)?.seq ?? mark.after;
        mark.done = rows.length < UPLOAD_BATCH;
      });
    }
  }
}

/** A file's group column (an id, a Postmark stream's own id, or a name) → the scanned group; null for none (global). */
function groupResolver(groups: ScanSuppressionGroup[]): (key: string) => ScanSuppressionGroup | null {
  return (key) => groups.find((g) => g.id === key) ?? groups.find((g) => g.id.endsWith(`/${key}`) || g.name === key) ?? null;
}
