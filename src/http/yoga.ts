import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ExecutionResult, type ValidationContext } from 'graphql';
import { schema } from '../graphql/schema.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { AppServices } from '../app-services.js';
import { authenticateApiKey, bearerToken, type AuthContext } from '../modules/api-keys/api-key.service.js';
import { useRequestGuards } from '../graphql/request-guards.js';
import { useSharedSubscriptionResults } from '../graphql/shared-subscription-results.js';

/**
 * Set by the transport: the HTTP layer authenticates once per request (and the REST shim passes
 * the same identity on), the WebSocket layer per operation.
 */
export interface ServerContext {
  auth?: AuthContext | null;
  requestId?: string;
}

export type Yoga = YogaServerInstance<ServerContext, GraphQLContext>;

/**
 * Armor's cost rejection becomes a validation error (not thrown), so it gets a code and a 400,
 * worded like the parse-time limits (armor's own message starts "Syntax Error:", which it is not).
 */
const reportRejection = {
  propagateOnRejection: false,
  onReject: [
    (ctx: ValidationContext | null, err: GraphQLError) => {
      const [, limit, found] = /limit of (\d+) exceeded, found (\d+(?:\.\d+)?)/.exec(err.message) ?? [];
      const message = limit
        ? `The query costs ${Math.ceil(Number(found))}, over the limit of ${limit} (each field counts, more when nested, times the page size a literal first: asks for): ask for fewer fields, smaller pages or less nesting`
        : 'The query costs more than the limit allows: ask for fewer fields, smaller pages or less nesting';
      ctx?.reportError(new GraphQLError(message, { nodes: err.nodes, extensions: { code: 'bad_request', limit: true, http: { status: 400 } } }));
    },
  ],
};

/** Yoga logs errors as positional arguments; pino serialises them only under `err`. */
function logFields(args: unknown[]) {
  const err = args.find((a) => a instanceof Error);
  const rest = args.filter((a) => a !== err);
  return { ...(err ? { err } : {}), ...(rest.length ? { details: rest } : {}) };
}

function isExecutionResult(value: unknown): value is ExecutionResult {
  return !!value && typeof value === 'object' && !(Symbol.asyncIterator in value);
}

/**
 * The last word on errors before they are written: each names the request it belongs to (as
 * the logs do), and a document refused by the parse-time guards is a 400 for every Accept
 * header (yoga would answer a parse failure 200 to `application/json`).
 */
function finalErrors(): Plugin<GraphQLContext> {
  return {
    onResultProcess({ result, setResult, serverContext }) {
      if (!isExecutionResult(result) || !result.errors?.length) return;
      const requestId = (serverContext as ServerContext | undefined)?.requestId;
      setResult({
        ...result,
        errors: result.errors.map((e) => {
          const { limit, ...extensions } = e.extensions as Record<string, unknown>;
          // Request errors (a document that does not parse, no query at all) carry yoga's http
          // extension with `spec`: a 400 for every Accept header, like validation failures.
          const http = extensions.http as { status?: number; spec?: boolean } | undefined;
          const unparsable = /^Syntax Error: /.test(e.message) || (http?.spec === true && http.status === 400);
          if (limit || unparsable) {
            extensions.http = { status: 400 };
            extensions.code ??= /^Syntax Error: /.test(e.message) ? 'GRAPHQL_PARSE_FAILED' : 'BAD_REQUEST';
          }
          if (requestId) extensions.requestId = requestId;
          return new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions });
        }),
      });
    },
  };
}

export function createGraphQLServer(services: AppServices): Yoga {
  const { env, orm, logger } = services;
  const production = env.NODE_ENV === 'production';
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: env.GRAPHIQL ?? env.NODE_ENV === 'development',
    // CORS is the HTTP layer's, one rule for REST and GraphQL.
    cors: false,
    // Unexpected errors are masked; AppError (a GraphQLError with a code) passes through.
    maskedErrors: true,
    logging: {
      debug: (...args) => logger.debug(logFields(args), 'graphql'),
      info: (...args) => logger.info(logFields(args), 'graphql'),
      warn: (...args) => logger.warn(logFields(args), 'graphql'),
      error: (...args) => logger.error(logFields(args), 'graphql'),
    },
    plugins: [
      useRequestGuards({
        production,
        limits: {
          maxTokens: env.GRAPHQL_MAX_TOKENS,
          maxFields: env.GRAPHQL_MAX_FIELDS,
          maxAliases: env.GRAPHQL_MAX_ALIASES,
          maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
          maxDepth: env.GRAPHQL_MAX_DEPTH,
        },
      }),
      // Size limits are enforced before validation by the guards; armor adds the cost limit.
      EnvelopArmorPlugin({
        costLimit: { maxCost: env.GRAPHQL_MAX_COST, ...reportRejection },
        maxDepth: { enabled: false },
        maxAliases: { enabled: false },
        maxDirectives: { enabled: false },
        maxTokens: { enabled: false },
        blockFieldSuggestion: { enabled: false },
      }),
      finalErrors(),
      useSharedSubscriptionResults(),
    ],
    context: async (initial) => {
      const em = orm.em.fork();
      const auth =
        initial.auth !== undefined
          ? initial.auth
          : await authenticateApiKey(em, bearerToken(initial.request.headers.get('authorization')));
      return { em, auth, services };
    },
  });
}
