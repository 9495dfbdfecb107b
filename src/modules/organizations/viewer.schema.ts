import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { notFound } from '../../errors/app-error.js';
import { Organization } from './organization.entity.js';
import { ApiKeyScopeEnum } from '../api-keys/api-key.schema.js';

const OrganizationRef = builder.objectRef<Organization>('Organization').implement({
  description: 'A tenant: its keys, migrations and everything they imported.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its id (`org_…`)' }),
    name: t.exposeString('name', { description: 'Its name' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created' }),
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
      description: 'The organization the key belongs to',
      resolve: async (viewer, _args, ctx) =>
        (await ctx.em.findOne(Organization, { id: viewer.organizationId })) ??
        Promise.reject(notFound('organization')),
    }),
    scope: t.field({ type: ApiKeyScopeEnum, description: 'What the key may do', resolve: (viewer) => viewer.scope }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: Viewer, description: 'Who is calling: the organization and scope of the API key', resolve: (_root, _args, ctx) => requireAuth(ctx) }),
);
