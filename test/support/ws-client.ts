import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A real graphql-ws client authenticating in connection_init. */
export function wsClient(httpUrl: string, key: string | null): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Runs one query or subscription to completion, collecting every result. */
export function collect<T>(client: Client, query: string, variables?: Record<string, unknown>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const results: T[] = [];
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => results.push(value as T),
        error: (err) => reject(err),
        complete: () => resolve(results),
      },
    );
  });
}
