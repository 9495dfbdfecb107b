import { builder } from '../../graphql/builder.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { requireAuth } from '../../graphql/context.js';
import { listConnection, pageRequest } from '../../graphql/pagination.js';
import { NotFoundError, ValidationError } from '../../graphql/error-types.js';
import { ApiKey, API_KEY_SCOPES } from './api-key.entity.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key.service.js';

export const ApiKeyScopeEnum = describedEnum('ApiKeyScope', 'What a key may do.', API_KEY_SCOPES, {
  read_only: 'Queries and subscriptions',
  full_access: 'Everything, mutations included',
});

const ApiKeyRef = builder.objectRef<ApiKey>('ApiKey');
builder.node(ApiKeyRef, {
  description: 'An API key of the organization. The secret itself is only returned on creation.',
  id: { resolve: (k) => k.id },
  loadOne: async (id, ctx) => (await listApiKeys(ctx.em, requireAuth(ctx).organizationId)).find((k) => k.id === id) ?? null,
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: 'For people' }),
    scope: t.field({ type: ApiKeyScopeEnum, description: 'What it may do', resolve: (k) => k.scope }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'Set once revoked: the key no longer works, open sockets close' }),
  }),
});

const CreateApiKeyPayload = builder.objectRef<{ apiKey: ApiKey; secret: string }>('CreateApiKeyPayload').implement({
  description: 'The key created, with its secret.',
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, description: 'The key', resolve: (r) => r.apiKey }),
    secret: t.exposeString('secret', { description: 'The key itself; shown only this once' }),
  }),
});

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>('RevokeApiKeyPayload').implement({
  description: 'The key, revoked.',
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, description: 'The key, with revokedAt set', resolve: (r) => r.apiKey }) }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  description: 'A new key of the caller’s organization.',
  fields: (t) => ({
    scope: t.field({ type: ApiKeyScopeEnum, required: true, description: 'What it may do' }),
    name: t.string({ description: 'For people, at most 100 characters', validate: { maxLength: 100 } }),
  }),
});

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', {
  description: 'The key to revoke.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The key’s id (`key_…`)' }) }),
});

builder.queryField('apiKeys', (t) =>
  t.connection({
    type: ApiKeyRef,
    description: 'The organization’s API keys, oldest first',
    resolve: async (_root, args, ctx) => {
      const request = pageRequest(args);
      const keys = await listApiKeys(ctx.em, requireAuth(ctx).organizationId);
      return listConnection(keys, request, (k) => k.id);
    },
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    description: 'Creates a key; its secret is in the payload, and only there.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true, description: 'The key to create' }) },
    errors: { types: [ValidationError], union: { name: 'CreateApiKeyResult' } },
    resolve: async (_root, { input }, ctx) => {
      const { apiKey, plaintext } = await createApiKey(ctx.em, { organizationId: requireAuth(ctx).organizationId, scope: input.scope, name: input.name ?? null });
      return { apiKey, secret: plaintext };
    },
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeyPayload,
    description: 'Revokes a key at once, on every API process: its open sockets close with 4403.',
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true, description: 'The key to revoke' }) },
    errors: { types: [NotFoundError], union: { name: 'RevokeApiKeyResult' } },
    resolve: async (_root, { input }, ctx) => ({ apiKey: await revokeApiKey(ctx.em, String(input.id), requireAuth(ctx).organizationId) }),
  }),
}));
