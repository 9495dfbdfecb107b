import { newId } from '../../../db/ids.js';
import type { ImportContext } from '../import-context.js';

/**
 * Topics → suppression groups. Who opted out of a topic is only known per contact, so groups get
 * members during the contacts pass; when that pass does not run, the group says why it is empty.
 */
export async function importSuppressionGroups(ctx: ImportContext): Promise<void> {
  ctx.progress.phase = 'suppression_groups';
  const wanted = new Set(ctx.options.topics);
  const counter = ctx.count('suppression_groups', wanted.size);
  if (!wanted.size) return;
  const membersNote = ctx.options.contacts
    ? null
    : 'Contacts were not imported in this migration, so who opted out of this topic was not read; the group starts empty.';
  for (const topic of await ctx.connector.topics()) {
    if (!wanted.has(topic.sourceId)) continue;
    await ctx.commit(async (client) => {
      if (await ctx.linkedId(client, 'topic', topic.sourceId)) {
        ctx.tally.skipped('suppression_group', 'already imported from this source', topic.name);
      } else {
        const id = newId('grp');
        await client.query(
          `insert into suppression_groups (id, organization_id, name, description, source_provider, members_note)
           values ($1, $2, $3, $4, $5, $6)`,
          [id, ctx.job.organizationId, topic.name, topic.description, ctx.job.source, membersNote],
        );
        ctx.tally.imported('suppression_groups');
        await ctx.link(client, 'topic', topic.sourceId, id);
      }
      counter.processed++;
    });
  }
}
