import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { notFound } from '../../errors/app-error.js';
import { Organization } from './organization.entity.js';
import { ApiKeyScopeEnum } from '../api-keys/api-key.schema.js';

const OrganizationRef = builder.objectRef<Organization>('Organization').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});


const Viewer = builder.objectRef<{ organizationId: string; scope: 'read_only' | 'full_access' }>(
  'Viewer',
);
Viewer.implement({
  description: 'The caller: the organization its API key belongs to, and the key scope.',
  fields: (t) => ({
    organization: t.field({
      type: OrganizationRef,
      resolve: async (viewer, _args, ctx) =>
        (await ctx.em.findOne(Organization, { id: viewer.organizationId })) ??
        Promise.reject(notFound('organization')),
    }),
    scope: t.field({ type: ApiKeyScopeEnum, resolve: (viewer) => viewer.scope }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: Viewer, resolve: (_root, _args, ctx) => requireAuth(ctx) }),
);
