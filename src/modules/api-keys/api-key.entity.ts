import { defineEntity, p } from '@mikro-orm/core';

export const API_KEY_SCOPES = ['read_only', 'full_access'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    name: p.string().nullable(),
    scope: p.enum(API_KEY_SCOPES),
    /** First characters of the key, safe to show in listings. */
    prefix: p.string(),
    /** SHA-256 of the whole key, hex; keys are 256-bit random so a fast hash is sufficient. */
    keyHash: p.string().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);
