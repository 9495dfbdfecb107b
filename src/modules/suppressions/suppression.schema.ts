import { builder } from '../../graphql/builder.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { requestMemo } from '../../graphql/request-memo.js';
import { findSuppressionGroup } from '../suppression-groups/suppression-group.repository.js';
import { SuppressionGroupRef } from '../suppression-groups/suppression-group.schema.js';
import { pageSuppressions, SUPPRESSION_REASONS, type SuppressionRecord } from './suppression.repository.js';

export const SuppressionReasonEnum = describedEnum('SuppressionReason', 'Why an address is suppressed.', SUPPRESSION_REASONS, {
  unsubscribe: 'It unsubscribed (at the source, or from a suppression group)',
  bounce: 'Mail to it bounced',
  spam_complaint: 'It reported mail as spam',
  invalid: 'It is not a deliverable address',
  block: 'Its mail server blocked mail',
  manual: 'Someone suppressed it by hand',
});

/** A suppression's group, read once per request however many of its members a page holds. */
const groupOf = (s: SuppressionRecord, ctx: GraphQLContext) =>
  s.groupId === null ? null : requestMemo(ctx, `suppression-group:${s.groupId}`, () => findSuppressionGroup(ctx.em, requireAuth(ctx).organizationId, s.groupId!));

/** No node: a suppression is (its group, its address), and the id a client needs is the group’s. */
export const SuppressionRef = builder.objectRef<SuppressionRecord>('Suppression').implement({
  description: 'An address that gets no mail: account-wide, or of one suppression group.',
  fields: (t) => ({
    email: t.exposeString('email', { description: 'The address, lower-cased' }),
    reason: t.field({ type: SuppressionReasonEnum, description: 'Why it is suppressed', resolve: (s) => s.reason }),
    global: t.boolean({ description: 'Suppressed account-wide (no mail at all), rather than in one group', resolve: (s) => s.groupId === null }),
    group: t.field({
      type: SuppressionGroupRef,
      nullable: true,
      description: 'The group it is suppressed in; null when account-wide',
      resolve: (s, _args, ctx) => groupOf(s, ctx),
    }),
    sourceProvider: t.exposeString('sourceProvider', { nullable: true, description: 'Where it came from' }),
    sourceCreatedAt: t.expose('sourceCreatedAt', { type: 'DateTime', nullable: true, description: 'When the source recorded it, where the source says' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded here' }),
  }),
});

builder.objectField(SuppressionGroupRef, 'members', (t) =>
  t.connection({
    type: SuppressionRef,
    description: 'The addresses suppressed in the group, by address',
    resolve: async (group, args, ctx) => {
      const request = pageRequest(args);
      const page = await pageSuppressions(ctx.em, requireAuth(ctx).organizationId, { groupId: group.id, reason: null }, request);
      return toConnection(page.rows, request, (s) => s.key, page.totalCount);
    },
  }),
);

builder.queryFields((t) => ({
  suppressions: t.connection({
    type: SuppressionRef,
    description: 'The organization’s suppressions: account-wide ones first, then each group’s, each by address',
    args: {
      reason: t.arg({ type: SuppressionReasonEnum, description: 'Only suppressions for this reason' }),
      groupId: t.arg.id({ description: 'Only the suppressions of this group (`grp_…`); not_found when it is not the organization’s' }),
    },
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const filter = { reason: args.reason ?? null, groupId: args.groupId == null ? null : String(args.groupId) };
      const page = await pageSuppressions(ctx.em, requireAuth(ctx).organizationId, filter, request);
      return toConnection(page.rows, request, (s) => s.key, page.totalCount);
    },
  }),
}));
