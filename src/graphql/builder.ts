import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ZodPlugin from '@pothos/plugin-zod';
import { AppError } from '../errors/app-error.js';
import type { GraphQLContext } from './context.js';

/** The Pothos builder and its plugins; types live in the capability folders. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: { readOnly: boolean; fullAccess: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin, ZodPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      readOnly: ctx.auth !== null,
      fullAccess: ctx.auth?.scope === 'full_access',
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.auth
        ? new AppError('forbidden', 'This API key lacks the full_access scope required here')
        : new AppError('unauthorized', 'Missing or invalid API key'),
  },
  zod: {
    validationError: (zodError) =>
      new AppError(
        'validation_error',
        zodError.issues
          .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
          .join('; '),
      ),
  },
});

builder.scalarType('DateTime', {
  description: 'ISO-8601 timestamp in UTC, e.g. 2026-05-30T14:00:00Z',
  serialize: (value) => toIsoSeconds(value as Date),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new AppError('validation_error', 'invalid DateTime');
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
});

/** `2026-05-30T14:00:00Z`: UTC with second precision, as the REST contract shows. */
export function toIsoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

builder.queryType({ authScopes: { readOnly: true } });
builder.mutationType({ authScopes: { fullAccess: true } });
