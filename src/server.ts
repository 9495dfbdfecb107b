import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppServices } from './app-services.js';
import { createGraphQLServer } from './http/yoga.js';
import { createHttpApp } from './http/app.js';
import { attachGraphQLWebSocket } from './http/websocket.js';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Wires yoga, the REST routes and graphql-ws onto one HTTP server. */
export async function startServer(services: AppServices): Promise<RunningServer> {
  const yoga = createGraphQLServer(services);
  const app = createHttpApp(services, yoga);
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      { fetch: app.fetch, port: services.env.PORT, hostname: services.env.HOST },
      () => resolve(s as Server),
    ) as Server;
  });
  // Idle keep-alive connections outlive clients' own idle timeouts (undici: 4 s), so a client
  // never sends a request on a socket the server is closing at that moment.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const ws = attachGraphQLWebSocket(server, yoga, services);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${services.env.HOST}:${port}`,
    port,
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
