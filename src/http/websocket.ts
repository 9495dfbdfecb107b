import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Yoga } from './yoga.js';
import type { AppServices } from '../app-services.js';
import { AppError } from '../errors/app-error.js';
import { peerAddress } from './rate-limit.js';
import {
  authenticateApiKey,
  bearerToken,
  type AuthContext,
} from '../modules/api-keys/api-key.service.js';

type EnvelopedRoot = {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
};

/** Close codes graphql-ws clients treat as final: they do not reconnect with the same key. */
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN = 4403;
/** graphql-ws clients may retry this one later, with their backoff. */
const CLOSE_TOO_MANY = 4429;

/** Reads the key from connection_init: `{ authorization: "Bearer …" }` or `{ apiKey: "…" }`. */
function keyFromConnectionParams(params: Record<string, unknown> | undefined): string | null {
  if (!params) return null;
  const { authorization, Authorization, apiKey } = params as Record<string, unknown>;
  if (typeof apiKey === 'string') return apiKey;
  const header = typeof authorization === 'string' ? authorization : Authorization;
  return typeof header === 'string' ? bearerToken(header) : null;
}

const CLIENT_MESSAGE_TYPES = new Set(['connection_init', 'ping', 'pong', 'subscribe', 'complete']);

/**
 * A client that sends a message only a server may send (`next`, `error`, ...) breaks the
 * protocol: close with 4400 as graphql-ws does for unreadable messages (it would answer 4500,
 * an internal error, for these). Unparseable messages are left to graphql-ws.
 */
function refuseServerMessages(socket: WebSocket): void {
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'message') {
      let type: unknown;
      try {
        type = (JSON.parse(String(args[0])) as { type?: unknown } | null)?.type;
      } catch {
        return emit(event, ...args);
      }
      if (typeof type === 'string' && !CLIENT_MESSAGE_TYPES.has(type)) {
        socket.close(4400, `Unexpected message of type ${type.slice(0, 40)}`);
        return true;
      }
    }
    return emit(event, ...args);
  }) as typeof socket.emit;
}

interface SocketState {
  auth: AuthContext;
  untrack: () => void;
}

/**
 * graphql-ws on the same path as HTTP GraphQL, running yoga's envelop so its plugins (limits,
 * guards, cost) apply. The key is checked again for every operation, and its revocation closes
 * the socket at once; a bad operation is answered with its errors and never closes the socket.
 */
export function attachGraphQLWebSocket(server: Server, yoga: Yoga, services: AppServices) {
  const { env, logger, revocations, rateLimits } = services;
  // The same bound as an HTTP body: ws would otherwise accept 100 MiB messages.
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: env.MAX_BODY_BYTES });
  const sockets = new WeakMap<WebSocket, SocketState>();
  // Registered before graphql-ws's own listener, so it sees each socket first.
  wss.on('connection', refuseServerMessages);

  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const request = ctx.extra.request;
        const forwardedFor = request.headers['x-forwarded-for'];
        const address = peerAddress(Array.isArray(forwardedFor) ? forwardedFor[0] : forwardedFor, request.socket.remoteAddress, env.TRUST_PROXY);
        if (!(await rateLimits.consume('address', address)).allowed) {
          socket.close(CLOSE_TOO_MANY, 'Too many requests from this address; retry later');
          return false;
        }
        const auth = await authenticateApiKey(services.orm.em.fork(), keyFromConnectionParams(ctx.connectionParams));
        if (!auth) {
          socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized: missing or invalid API key');
          return false;
        }
        const untrack = revocations.track(auth.apiKeyId, () => socket.close(CLOSE_FORBIDDEN, 'Forbidden: the API key was revoked'));
        sockets.set(socket, { auth, untrack });
        socket.once('close', untrack);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const socket = ctx.extra.socket;
        const state = sockets.get(socket);
        try {
          // Authorized against the key's state now, not at connection time.
          if (!state || !(await revocations.isActive(state.auth.apiKeyId))) {
            state?.untrack();
            socket.close(CLOSE_FORBIDDEN, 'Forbidden: the API key was revoked');
            return [new AppError('unauthorized', 'The API key was revoked')];
          }
          const limit = await rateLimits.consume('key', state.auth.apiKeyId);
          if (!limit.allowed) {
            return [new AppError('rate_limited', `Rate limit of ${limit.limit} operations exceeded for this API key; retry in ${Math.max(1, limit.resetSeconds)} s`)];
          }
          const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket,
            params: payload,
            auth: state.auth,
          });
          const document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length) return errors;
          return {
            schema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          } satisfies ExecutionArgs;
        } catch (err) {
          if (err instanceof GraphQLError) {
            return [new GraphQLError(err.message, { extensions: { code: err.extensions.code ?? 'GRAPHQL_PARSE_FAILED' } })];
          }
          logger.error({ err }, 'graphql-ws operation failed before execution');
          return [new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
      },
    },
    wss,
  );

  return {
    wss,
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
