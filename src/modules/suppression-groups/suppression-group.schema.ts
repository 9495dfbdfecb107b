import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { findSuppressionGroup, pageSuppressionGroups, type SuppressionGroupRecord } from './suppression-group.repository.js';

/** Its `members` are added by suppression.schema.ts (suppressions are theirs to read). */
export const SuppressionGroupRef = builder.objectRef<SuppressionGroupRecord>('SuppressionGroup');

builder.node(SuppressionGroupRef, {
  description: 'A suppression group: addresses opted out of one kind of mail (a Resend topic, a SendGrid unsubscribe group).',
  id: { resolve: (g) => g.id, description: 'Its id (`grp_…`)' },
  loadOne: (id, ctx) => findSuppressionGroup(ctx.em, requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name at the source (not unique)' }),
    description: t.exposeString('description', { nullable: true, description: 'Its description at the source' }),
    membersNote: t.exposeString('membersNote', {
      nullable: true,
      description: 'Why it has no members though the source may have had some (who opted out was not read); null when its members were imported',
    }),
    sourceProvider: t.exposeString('sourceProvider', { nullable: true, description: 'Where it came from' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was imported' }),
  }),
});

builder.queryFields((t) => ({
  suppressionGroups: t.connection({
    type: SuppressionGroupRef,
    description: 'The organization’s suppression groups, by id',
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await pageSuppressionGroups(ctx.em, requireAuth(ctx).organizationId, request);
      return toConnection(page.rows, request, (g) => g.id, page.totalCount);
    },
  }),
}));
