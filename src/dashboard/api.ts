import { print } from 'graphql/language/printer';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';

const KEY = 'migrate.apiKey';

/** The API key, kept for this tab only (sessionStorage). */
export const session = {
  get key(): string | null {
    return sessionStorage.getItem(KEY);
  },
  signIn(key: string) {
    sessionStorage.setItem(KEY, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    socket?.dispose();
    socket = null;
  },
};

/** A GraphQL error: its code (`unauthorized`, `validation_error`, …) and message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const texts = new WeakMap<object, string>();
function text(document: TypedDocumentNode<unknown, never>): string {
  let query = texts.get(document);
  if (!query) texts.set(document, (query = print(document)));
  return query;
}

/** Runs a query or mutation over HTTP with the session's key. */
export async function request<R, V>(document: TypedDocumentNode<R, V>, variables?: V, key = session.key): Promise<R> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key ?? ''}` },
    body: JSON.stringify({ query: text(document as TypedDocumentNode<unknown, never>), variables }),
  });
  const body = (await res.json().catch(() => ({}))) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code ?? 'error');
  if (!body.data) throw new ApiError(`The API answered ${res.status}`, 'error');
  return body.data;
}

let socket: Client | null = null;

/** Follows a subscription over graphql-ws; returns the unsubscribe. */
export function subscribe<R, V>(document: TypedDocumentNode<R, V>, variables: V, next: (data: R) => void, failed?: (message: string) => void): () => void {
  socket ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => ({ apiKey: session.key }),
    retryAttempts: 20,
    lazy: true,
  });
  return socket.subscribe<R>(
    { query: text(document as TypedDocumentNode<unknown, never>), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.data) next(result.data as R);
        else if (result.errors?.[0]) failed?.(result.errors[0].message);
      },
      error: (err) => failed?.(Array.isArray(err) ? String(err[0]?.message ?? err) : 'The live connection was lost'),
      complete: () => {},
    },
  );
}
