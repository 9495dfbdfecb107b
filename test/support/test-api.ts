import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parseEnv, type Env } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import { ensureQueues } from '../../workers/worker-runtime.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createAppServices, type AppServices } from '../../src/app-services.js';
import type { TestDatabase } from './test-database.js';

/** One local key-encryption key for the test run, shared by in-process APIs and spawned workers. */
export const TEST_KEK = randomBytes(32).toString('base64');

export interface TestApi {
  url: string;
  services: AppServices;
  close(): Promise<void>;
}

/** The real HTTP server in this process, on a free port, against the test database. */
export async function startTestApi(db: TestDatabase, settings: Record<string, string> = {}): Promise<TestApi> {
  const env: Env = parseEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: db.url,
    MIGRATE_KEK: TEST_KEK,
    ...settings,
  });
  const logger = createLogger(env.LOG_LEVEL, 'test-api');
  const services = await createAppServices({ ...env, DATABASE_URL: db.url }, db.orm, logger);
  // Workers create queues in production; here the API may enqueue before any worker started.
  await ensureQueues(services.jobs.boss, env);
  const server: RunningServer = await startServer(services);
  return {
    url: server.url,
    services,
    async close() {
      await server.close();
      await services.close();
    },
  };
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** POSTs a typed document over real HTTP. */
export async function graphql<TData, TVars>(
  baseUrl: string,
  key: string | null,
  document: TypedDocumentNode<TData, TVars>,
  variables?: TVars,
): Promise<GraphQLResponse<TData>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: res.status, ...body };
}

/** The `extensions.code` of the first error, for concise assertions. */
/** The error code of an answer: a top-level error's, or a mutation's typed error (its `UserError` member). */
export const errorCode = (res: GraphQLResponse<unknown>): string | undefined => {
  const topLevel = res.errors?.[0]?.extensions?.code;
  if (topLevel || !res.data || typeof res.data !== 'object') return topLevel as string | undefined;
  const [result] = Object.values(res.data as Record<string, unknown>);
  const code = result && typeof result === 'object' ? (result as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** A mutation's payload, or a failed expectation naming its typed error. */
export function payloadOf<T extends { __typename: string }>(result: T | null | undefined): Exclude<T, { code: unknown }> {
  if (!result) throw new Error('no result');
  if ('code' in result) throw new Error(`${result.__typename}: ${(result as { message?: string }).message}`);
  return result as Exclude<T, { code: unknown }>;
}

/** POSTs a GraphQL document as text (for documents no client would build), with the raw answer. */
export async function postGraphQLText(baseUrl: string, key: string | null, query: string, variables?: unknown) {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, text: await res.text() };
}
