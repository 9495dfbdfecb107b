import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import { schema } from '../graphql/schema.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { AppServices } from '../app-services.js';
import {
  authenticateApiKey,
  bearerToken,
  type AuthContext,
} from '../modules/api-keys/api-key.service.js';

/** Set on the server context by the WebSocket layer, which authenticates in connection_init. */
export interface ServerContext {
  wsAuth?: AuthContext | null;
}

export type Yoga = YogaServerInstance<ServerContext, GraphQLContext>;

/**
 * Invalid operations (armor's depth/cost limits, unknown fields) answer 400 for every Accept
 * header; yoga's default keeps 200 for `application/json`, which hides a client error.
 */
function validationFailuresAre400(): Plugin {
  return {
    onValidate: () => ({ valid, result }) => {
      if (valid) return;
      for (const error of result) {
        const extensions = error.extensions as Record<string, unknown>;
        extensions.code ??= 'GRAPHQL_VALIDATION_FAILED';
        extensions.http = { ...(extensions.http as object), spec: false, status: 400 };
      }
    },
  };
}

/** Armor rejections become validation errors (not thrown), so they get a code and a 400. */
const reportRejection = {
  propagateOnRejection: false,
  onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)],
};

/** Yoga logs errors as positional arguments; pino serialises them only under `err`. */
function logFields(args: unknown[]) {
  const err = args.find((a) => a instanceof Error);
  const rest = args.filter((a) => a !== err);
  return { ...(err ? { err } : {}), ...(rest.length ? { details: rest } : {}) };
}

export function createGraphQLServer(services: AppServices): Yoga {
  const { env, orm, logger } = services;
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: env.GRAPHIQL ?? env.NODE_ENV === 'development',
    // Unexpected errors are masked; AppError (a GraphQLError with a code) passes through.
    maskedErrors: true,
    logging: {
      debug: (...args) => logger.debug(logFields(args), 'graphql'),
      info: (...args) => logger.info(logFields(args), 'graphql'),
      warn: (...args) => logger.warn(logFields(args), 'graphql'),
      error: (...args) => logger.error(logFields(args), 'graphql'),
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: env.GRAPHQL_MAX_DEPTH, ...reportRejection },
        costLimit: { maxCost: env.GRAPHQL_MAX_COST, ...reportRejection },
        maxAliases: { n: 30, ...reportRejection },
        maxDirectives: { n: 50, ...reportRejection },
        maxTokens: { n: 2000, ...reportRejection },
        blockFieldSuggestion: { enabled: env.NODE_ENV === 'production' },
      }),
      validationFailuresAre400(),
    ],
    context: async (initial) => {
      const em = orm.em.fork();
      const auth =
        initial.wsAuth !== undefined
          ? initial.wsAuth
          : await authenticateApiKey(em, bearerToken(initial.request.headers.get('authorization')));
      return { em, auth, services };
    },
  });
}
