import { print } from 'graphql';
import type { Context } from 'hono';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Yoga } from '../yoga.js';
import type { HttpEnv } from '../http-context.js';
import { ERROR_HTTP_STATUS, isErrorCode, type ErrorCode } from '../../errors/app-error.js';

export type OperationOutcome<T> =
  | { ok: true; data: T }
  | { ok: false; status: number; code: ErrorCode; message: string };

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Runs a typed operation through yoga in-process as the caller already authenticated by the
 * HTTP layer, so REST gets exactly GraphQL's rules and limits. Errors come back in the shared
 * vocabulary: a GraphQL input error (wrong variable type, unknown field) is a validation_error.
 */
export async function executeOperation<TData, TVars>(
  yoga: Yoga,
  c: Context<HttpEnv>,
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars,
): Promise<OperationOutcome<TData>> {
  const response = await yoga.fetch(
    'http://in-process/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: print(document), variables }),
    },
    { auth: c.get('auth'), requestId: c.get('requestId') },
  );
  const body = (await response.json()) as GraphQLBody<TData>;
  const error = body.errors?.[0];
  if (!error) return { ok: true, data: body.data as TData };
  const code = error.extensions?.code;
  if (isErrorCode(code)) return { ok: false, status: ERROR_HTTP_STATUS[code], code, message: error.message };
  if (response.status >= 500 || code === 'INTERNAL_SERVER_ERROR') {
    return { ok: false, status: 500, code: 'internal_error', message: 'Internal server error' };
  }
  return { ok: false, status: 422, code: 'validation_error', message: error.message };
}
