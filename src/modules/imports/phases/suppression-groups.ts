import { createSuppressionGroup } from '../../suppression-groups/suppression-group.repository.js';
import { insertSuppressions } from '../../suppressions/suppression.repository.js';
import type { ImportContext } from '../import-context.js';
import type { SourceSuppressionGroup } from '../../../sources/source-types.js';
import { emailProblem, normalizeEmail } from '../../../sources/shared/email.js';

/**
 * Topics → suppression groups. Who opted out of a topic is only known per contact, so groups get
 * members during the contacts pass; when that pass does not run, the group says why it is empty.
 */
export async function importSuppressionGroups(ctx: ImportContext): Promise<void> {
  ctx.enterPhase('suppression_groups');
  const wanted = new Set(ctx.options.suppressionGroups);
  const counter = ctx.count('suppression_groups');
  if (!wanted.size) return;
  const listsMembers = Boolean(ctx.connector.groupOptOuts) && ctx.options.groupMembers !== false;
  const membersNote =
    ctx.options.contacts || listsMembers
      ? null
      : 'Contacts were not imported in this migration, so who opted out of this topic was not read; the group starts empty.';
  const topics = (await ctx.connector.suppressionGroups()).filter((t) => wanted.has(t.sourceId));
  for (const missing of [...wanted].filter((id) => !topics.some((t) => t.sourceId === id))) {
    await ctx.commit(async () => ctx.tally.error('suppression_group', 'no such group at the source', missing));
  }
  for (const topic of topics) {
    let usable = true;
    await ctx.commit(async (client) => {
      // Committed by an earlier run of this job (the phase has no checkpoint of its own).
      if (await ctx.broughtByThisJob(client, 'suppression_group', topic.sourceId)) return;
      if (await ctx.linkedId(client, 'suppression_group', topic.sourceId)) {
        ctx.tally.skipped('suppression_group', 'already imported from this source', topic.name);
      } else if (ctx.options.existingGroupsOnly) {
        usable = false;
        ctx.tally.error('suppression_group', 'groupExist was set but this group was never imported here', topic.name);
      } else {
        const id = await createSuppressionGroup(client, {
          organizationId: ctx.job.organizationId,
          name: topic.name,
          description: topic.description,
          sourceProvider: ctx.job.source,
          membersNote,
        });
        ctx.tally.imported('suppression_groups');
        await ctx.link(client, 'suppression_group', topic.sourceId, id);
      }
      counter.processed++;
    });
    if (listsMembers && usable) await importGroupMembers(ctx, topic);
  }
}

/** Sources that list each group's suppressed addresses (SendGrid) fill the group directly. */
async function importGroupMembers(ctx: ImportContext, topic: SourceSuppressionGroup): Promise<void> {
  for await (const emails of ctx.connector.groupOptOuts!(topic)) {
    await ctx.commit(async (client) => {
      const groupId = await ctx.linkedId(client, 'suppression_group', topic.sourceId);
      const valid = emails.map(normalizeEmail).filter((e) => {
        const problem = emailProblem(e);
        if (problem) ctx.tally.error('group_suppression', problem, e);
        return !problem;
      });
      const entries = valid.map((email) => ({ email, reason: 'unsubscribe' as const, groupId, sourceCreatedAt: null }));
      ctx.tally.imported('group_suppressions', await insertSuppressions(client, ctx.job.organizationId, ctx.job.source, entries));
    });
  }
}
