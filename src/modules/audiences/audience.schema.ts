import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { countMembers, findAudience, pageAudiences, type AudienceRecord } from './audience.repository.js';

export const AudienceRef = builder.objectRef<AudienceRecord>('Audience');

builder.node(AudienceRef, {
  description: 'An audience: imported from a source audience, segment or list.',
  id: { resolve: (a) => a.id, description: 'Its id (`aud_…`)' },
  loadOne: (id, ctx) => findAudience(ctx.em, requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name, as the source had it (not unique)' }),
    sourceProvider: t.exposeString('sourceProvider', { nullable: true, description: 'Where it came from' }),
    contactCount: t.int({
      description: 'Its members',
      resolve: (a, _args, ctx) => a.contactCount ?? countMembers(ctx.em, requireAuth(ctx).organizationId, a.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was imported' }),
  }),
});

builder.queryFields((t) => ({
  audiences: t.connection({
    type: AudienceRef,
    description: 'The organization’s audiences, by id',
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await pageAudiences(ctx.em, requireAuth(ctx).organizationId, request);
      return toConnection(page.rows, request, (a) => a.id, page.totalCount);
    },
  }),
}));
