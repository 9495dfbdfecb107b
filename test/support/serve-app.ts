import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { HttpEnv } from '../../src/http/http-context.js';
import type { ApiKeyScope } from '../../src/modules/api-keys/api-key.entity.js';

/** A small Hono app served over real HTTP on a free port, for middleware tests. */
export async function serveApp(app: Hono<HttpEnv>): Promise<{ url: string; close(): Promise<void> }> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Stands in for the real authentication middleware: `x-test-org` / `x-test-key` become
 * `c.get('auth')`; without them the request is anonymous.
 */
export function testAuth(scope: ApiKeyScope = 'full_access') {
  return async (c: import('hono').Context<HttpEnv>, next: () => Promise<void>) => {
    const organizationId = c.req.header('x-test-org');
    const apiKeyId = c.req.header('x-test-key');
    c.set('auth', organizationId || apiKeyId ? { organizationId: organizationId ?? 'org_none', apiKeyId: apiKeyId ?? 'key_none', scope } : null);
    await next();
  };
}
