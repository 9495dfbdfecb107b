import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Yoga } from '../yoga.js';
import { executeOperation, type OperationOutcome } from './graphql-executor.js';
import {
  RestApproveMigrationDocument,
  RestCancelMigrationDocument,
  RestMigrationDocument,
  RestMigrationSourcesDocument,
  RestMigrationsDocument,
  RestRetryMigrationDocument,
  RestStartMigrationDocument,
  type ApproveMigrationInput,
  type ErrorCode,
  type RestMigrationJobFragment,
} from '../../graphql/generated/operations.js';
import { restError } from '../rest-errors.js';
import { toRestJob } from './rest-job.js';
import { isKnownSource, unknownSourceMessage } from '../../modules/source-catalog/source-catalog.js';
import { problemsCsv } from './problems-csv.js';
import { encodeCursor } from '../../graphql/pagination.js';
import type { HttpEnv } from '../http-context.js';
import { describeBodyIssues, nestedTooDeep, restBodies } from './rest-bodies.js';

function reply<T>(c: Context<HttpEnv>, outcome: OperationOutcome<T>, shape: (data: T) => unknown, status = 200) {
  if (!outcome.ok) return restError(c, outcome.code, outcome.message);
  return c.json(shape(outcome.data) as object, status as ContentfulStatusCode);
}

type MutationResult = { __typename: string } & ({ migration: RestMigrationJobFragment } | { code: ErrorCode; message: string });

/** A mutation's result: its job in the documented shape, or its typed error as the error body. */
function replyJob<T>(c: Context<HttpEnv>, outcome: OperationOutcome<T>, result: (data: T) => MutationResult, status = 200) {
  if (!outcome.ok) return restError(c, outcome.code, outcome.message);
  const answer = result(outcome.data);
  if ('code' in answer) return restError(c, answer.code, answer.message);
  return c.json(toRestJob(answer.migration), status as ContentfulStatusCode);
}

/**
 * Parses a JSON object body (empty means `{}`) against the route's strict schema; anything
 * else is a validation_error saying what is wrong, never a 500 and never an echo of a value.
 */
async function jsonBody<S extends z.ZodType>(c: Context<HttpEnv>, schema: S): Promise<z.infer<S> | Response> {
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return restError(c, 'validation_error', 'Request body must be valid JSON');
    }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return restError(c, 'validation_error', 'Request body must be a JSON object');
  }
  if (nestedTooDeep(body)) return restError(c, 'validation_error', 'Request body is nested too deeply');
  const parsed = schema.safeParse(body);
  if (!parsed.success) return restError(c, 'validation_error', describeBodyIssues(parsed.error.issues));
  return parsed.data;
}

/** `/v1/migrate`: each route runs one GraphQL operation and reshapes it; no rules live here. */
export function migrateRoutes(yoga: Yoga): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const run = <TData, TVars>(c: Context<HttpEnv>, doc: Parameters<typeof executeOperation<TData, TVars>>[2], vars: TVars) =>
    executeOperation(yoga, c, doc, vars);

  app.get('/sources', async (c) =>
    reply(c, await run(c, RestMigrationSourcesDocument, {}), (d) => ({
      data: d.migrationSources.map((s) => ({
        id: s.id,
        label: s.label,
        credential_field: s.credentialField,
        notes: s.notes,
      })),
    })),
  );

  app.get('/', async (c) => {
    const rawLimit = c.req.query('limit');
    const limit = rawLimit === undefined ? 50 : Number(rawLimit);
    if (!/^\d+$/.test(rawLimit ?? '50') || limit < 1 || limit > 100) {
      return restError(c, 'validation_error', 'limit must be an integer between 1 and 100');
    }
    // The contract's cursor is the id of the last job of the previous page.
    const cursor = c.req.query('cursor') || null;
    return reply(c, await run(c, RestMigrationsDocument, { first: limit, after: cursor && encodeCursor(cursor) }), (d) => {
      const more = d.migrations.pageInfo.hasNextPage;
      return { data: d.migrations.nodes.map(toRestJob), has_more: more, next_cursor: more ? (d.migrations.nodes.at(-1)?.id ?? null) : null };
    });
  });

  app.post('/', async (c) => {
    const body = await jsonBody(c, restBodies.start);
    if (body instanceof Response) return body;
    if (!isKnownSource(body.source)) return restError(c, 'validation_error', unknownSourceMessage(body.source));
    const input = { source: body.source, credential: body.credential };
    return replyJob(c, await run(c, RestStartMigrationDocument, { input }), (d) => d.startMigration, 201);
  });

  app.get('/:id/problems.csv', (c) => problemsCsv(c, yoga));

  app.get('/:id', async (c) =>
    reply(c, await run(c, RestMigrationDocument, { id: c.req.param('id') }), (d) => toRestJob(d.migration)),
  );

  app.post('/:id/approve', async (c) => {
    const body = await jsonBody(c, restBodies.approve);
    if (body instanceof Response) return body;
    const { topics, ignoreTopics, ...options } = body.options ?? {};
    const input: ApproveMigrationInput = { id: c.req.param('id'), ...options, suppressionGroups: topics, ignoreSuppressionGroups: ignoreTopics };
    return replyJob(c, await run(c, RestApproveMigrationDocument, { input }), (d) => d.approveMigration);
  });

  app.post('/:id/cancel', async (c) => {
    const body = await jsonBody(c, restBodies.none);
    if (body instanceof Response) return body;
    return replyJob(c, await run(c, RestCancelMigrationDocument, { id: c.req.param('id') }), (d) => d.cancelMigration);
  });

  app.post('/:id/retry', async (c) => {
    const body = await jsonBody(c, restBodies.none);
    if (body instanceof Response) return body;
    return replyJob(c, await run(c, RestRetryMigrationDocument, { id: c.req.param('id') }), (d) => d.retryMigration);
  });

  return app;
}
