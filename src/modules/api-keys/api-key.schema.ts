import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { ApiKey, API_KEY_SCOPES } from './api-key.entity.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key.service.js';

export const ApiKeyScopeEnum = builder.enumType('ApiKeyScope', {
  values: Object.fromEntries(API_KEY_SCOPES.map((s) => [s, { value: s }])) as {
    read_only: { value: 'read_only' };
    full_access: { value: 'full_access' };
  },
});

const ApiKeyRef = builder.objectRef<ApiKey>('ApiKey').implement({
  description: 'An API key of the organization. The secret itself is only returned on creation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
    scope: t.field({ type: ApiKeyScopeEnum, resolve: (k) => k.scope }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKey = builder
  .objectRef<{ apiKey: ApiKey; secret: string }>('CreatedApiKey')
  .implement({
    fields: (t) => ({
      apiKey: t.field({ type: ApiKeyRef, resolve: (r) => r.apiKey }),
      secret: t.exposeString('secret', { description: 'The key itself; shown only this once' }),
    }),
  });

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    resolve: (_root, _args, ctx) => listApiKeys(ctx.em, requireAuth(ctx).organizationId),
  }),
);

builder.mutationField('createApiKey', (t) =>
  t.field({
    type: CreatedApiKey,
    args: {
      scope: t.arg({ type: ApiKeyScopeEnum, required: true }),
      name: t.arg.string({ validate: { maxLength: 100 } }),
    },
    resolve: async (_root, args, ctx) => {
      const { apiKey, plaintext } = await createApiKey(ctx.em, {
        organizationId: requireAuth(ctx).organizationId,
        scope: args.scope,
        name: args.name ?? null,
      });
      return { apiKey, secret: plaintext };
    },
  }),
);

builder.mutationField('revokeApiKey', (t) =>
  t.field({
    type: ApiKeyRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      revokeApiKey(ctx.em, String(args.id), requireAuth(ctx).organizationId),
  }),
);
