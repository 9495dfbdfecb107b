import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ZodPlugin from '@pothos/plugin-zod';
import { AppError } from '../errors/app-error.js';
import type { GraphQLContext } from './context.js';
import { decodeGlobalID, encodeGlobalID } from './global-ids.js';

/** The Pothos builder and its plugins; types live in the capability folders. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: { readOnly: boolean; fullAccess: boolean };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: number };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: never; Output: Record<string, unknown> };
  };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, ZodPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID,
    decodeGlobalID,
    nodeTypeOptions: { description: 'Anything with an id: fetch it again with `node(id:)`.' },
    idFieldOptions: { description: 'Its id (as REST shows it, e.g. `mig_…`): `node(id:)` takes it' },
    pageInfoTypeOptions: { description: 'Where a page of a connection stands; pass `endCursor` as `after` for the next page.' },
    nodeQueryOptions: {
      description: 'One object by id, of the caller’s organization; null when there is none.',
      authScopes: { readOnly: true },
      args: { id: { description: 'An id this API gave out' } },
    },
    nodesQueryOptions: {
      description: 'Objects by id, in the order asked; null for each that is not found.',
      authScopes: { readOnly: true },
      args: { ids: { description: 'Ids this API gave out' } },
    },
    edgesFieldOptions: { nullable: false, description: 'The page, each node with its cursor' },
    nodeFieldOptions: { nullable: false, description: 'The object at this place of the list' },
    nodesOnConnection: { description: 'The nodes of the page, without their cursors' },
    defaultConnectionTypeOptions: { description: 'One page of a list: at most `first` nodes after the cursor `after`.' },
    defaultEdgeTypeOptions: { description: 'A node of a page and the cursor after it.' },
    defaultPayloadTypeOptions: {},
    defaultMutationInputTypeOptions: {},
    mutationInputArgOptions: {},
    clientMutationIdInputOptions: {},
    clientMutationIdFieldOptions: {},
    cursorFieldOptions: { description: 'Opaque: pass it as `after` to continue after this edge' },
    pageInfoFieldOptions: { description: 'Where this page stands' },
    hasNextPageFieldOptions: { description: 'Whether more nodes follow this page' },
    hasPreviousPageFieldOptions: { description: 'Whether this page started after a cursor' },
    startCursorFieldOptions: { description: 'The cursor of the first node of the page' },
    endCursorFieldOptions: { description: 'The cursor of the last node: pass it as `after` for the next page' },
    beforeArgOptions: { description: 'Not supported: pages go forward only (an error if given)' },
    afterArgOptions: { description: 'The `endCursor` of the previous page' },
    firstArgOptions: { description: `Page size, 1–${500}; default 50` },
    lastArgOptions: { description: 'Not supported: pages go forward only (an error if given)' },
  },
  errors: {
    directResult: true,
    defaultUnionOptions: { description: 'The payload of the mutation, or the expected failure that kept it from changing anything.' },
    defaultResultOptions: {},
  },
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

builder.scalarType('JSONObject', {
  description: 'A JSON object, as it is (output only)',
  serialize: (value) => value,
  parseValue: () => {
    throw new AppError('validation_error', 'JSONObject is output only');
  },
});

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'How many there are in all, across pages', resolve: (connection) => connection.totalCount }),
);

/** `2026-05-30T14:00:00Z`: UTC with second precision, as the REST contract shows. */
export function toIsoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

builder.queryType({ authScopes: { readOnly: true }, description: 'Reads; any key of the organization (read_only or full_access).' });
builder.mutationType({ authScopes: { fullAccess: true }, description: 'Changes; a full_access key. Expected failures are typed members of each result.' });
