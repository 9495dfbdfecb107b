import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, type ApiKeyScope } from './api-key.entity.js';
import { Organization } from '../organizations/organization.entity.js';
import { notFound, validationError } from '../../errors/app-error.js';
import { newId } from '../../db/ids.js';

/** The identity behind a request: which organization, with which scope. */
export interface AuthContext {
  organizationId: string;
  scope: ApiKeyScope;
  apiKeyId: string;
}

const KEY_PREFIX = 'mk_';

export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext).digest('hex');
}

/** A new secret key: 256 random bits, URL-safe, with a recognisable prefix. */
function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export async function createOrganization(em: EntityManager, name: string): Promise<Organization> {
  const trimmed = name.trim();
  if (!trimmed) throw validationError('organization name must not be empty', ['name']);
  const org = em.create(Organization, { id: newId('org'), name: trimmed });
  await em.flush();
  return org;
}

export async function findOrganizationByName(em: EntityManager, name: string) {
  return em.findOne(Organization, { name: { $ilike: name.trim().replace(/[\\%_]/g, '\\$&') } });
}

/** Creates a key and returns its plaintext, which is never stored and cannot be shown again. */
export async function createApiKey(
  em: EntityManager,
  input: { organizationId: string; scope: ApiKeyScope; name?: string | null },
): Promise<{ apiKey: ApiKey; plaintext: string }> {
  const plaintext = generateKey();
  const apiKey = em.create(ApiKey, {
    id: newId('key'),
    organizationId: input.organizationId,
    name: input.name ?? null,
    scope: input.scope,
    prefix: plaintext.slice(0, KEY_PREFIX.length + 6),
    keyHash: hashApiKey(plaintext),
  });
  await em.flush();
  return { apiKey, plaintext };
}

/** Resolves a presented key to its organization and scope; null for unknown or revoked keys. */
export async function authenticateApiKey(
  em: EntityManager,
  plaintext: string | null | undefined,
): Promise<AuthContext | null> {
  if (!plaintext || !plaintext.startsWith(KEY_PREFIX) || plaintext.length > 200) return null;
  const key = await em.findOne(ApiKey, { keyHash: hashApiKey(plaintext), revokedAt: null });
  if (!key) return null;
  return { organizationId: key.organizationId, scope: key.scope, apiKeyId: key.id };
}

export async function listApiKeys(em: EntityManager, organizationId?: string): Promise<ApiKey[]> {
  return em.find(ApiKey, organizationId ? { organizationId } : {}, {
    orderBy: { createdAt: 'asc', id: 'asc' },
  });
}

/** Revokes a key; with `organizationId`, a key of another organization is `not_found`. */
export async function revokeApiKey(
  em: EntityManager,
  id: string,
  organizationId?: string,
): Promise<ApiKey> {
  const key = await em.findOne(ApiKey, organizationId ? { id, organizationId } : { id });
  if (!key) throw notFound(`API key ${id}`);
  key.revokedAt ??= new Date();
  await em.flush();
  return key;
}

/** Pulls the key from an `Authorization: Bearer <key>` header value. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
