import { serve } from '@hono/node-server';
import { STATUS_CODES, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { ERROR_HTTP_STATUS, type ErrorCode } from './errors/app-error.js';
import type { AddressInfo } from 'node:net';
import type { AppServices } from './app-services.js';
import { createGraphQLServer } from './http/yoga.js';
import { createHttpApp } from './http/app.js';
import { attachGraphQLWebSocket } from './http/websocket.js';

/**
 * Requests Node refuses before the app sees them (headers over 16 KiB, broken HTTP) get the
 * same JSON error body and request id as every other answer, then the connection closes.
 */
function answerMalformedRequest(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const code: ErrorCode = tooLarge ? 'headers_too_large' : 'bad_request';
  const status = ERROR_HTTP_STATUS[code];
  const requestId = `req_${randomBytes(12).toString('base64url')}`;
  const message = tooLarge ? 'The request line and headers exceed 16 KiB' : 'Malformed HTTP request';
  const body = JSON.stringify({ error: { code, message, request_id: requestId } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

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
  server.on('clientError', answerMalformedRequest);
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
