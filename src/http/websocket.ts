import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs } from 'graphql';
import type { Yoga } from './yoga.js';
import type { AppServices } from '../app-services.js';
import {
  authenticateApiKey,
  bearerToken,
  type AuthContext,
} from '../modules/api-keys/api-key.service.js';

type EnvelopedRoot = {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
};

/** Reads the key from connection_init: `{ authorization: "Bearer …" }` or `{ apiKey: "…" }`. */
function keyFromConnectionParams(params: Record<string, unknown> | undefined): string | null {
  if (!params) return null;
  const { authorization, Authorization, apiKey } = params as Record<string, unknown>;
  if (typeof apiKey === 'string') return apiKey;
  const header = typeof authorization === 'string' ? authorization : Authorization;
  return typeof header === 'string' ? bearerToken(header) : null;
}

/** graphql-ws on the same path as HTTP GraphQL, running yoga's envelop so its plugins apply. */
export function attachGraphQLWebSocket(server: Server, yoga: Yoga, services: AppServices) {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const authBySocket = new WeakMap<object, AuthContext>();

  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: async (ctx) => {
        const auth = await authenticateApiKey(
          services.orm.em.fork(),
          keyFromConnectionParams(ctx.connectionParams),
        );
        if (!auth) {
          // 4401 is final for graphql-ws clients: they do not retry a bad key.
          ctx.extra.socket.close(4401, 'Unauthorized: missing or invalid API key');
          return false;
        }
        authBySocket.set(ctx.extra.socket, auth);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const wsAuth = authBySocket.get(ctx.extra.socket) ?? null;
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          wsAuth,
        });
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
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
