import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import type { HttpEnv } from './http-context.js';
import { restError } from './rest-errors.js';

/** Where `npm run build:dashboard` (run by `npm ci` / `npm install`) writes the dashboard. */
const BUILT = path.resolve(import.meta.dirname, '../../dist/dashboard');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Only our own scripts, styles and API; the template preview's frames are sandboxed and same-origin. */
const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self' ws: wss:",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Dashboard not built</title>
<p>The dashboard has not been built: run <code>npm run build:dashboard</code> (npm ci does it), then reload.</p></html>`;

/**
 * The dashboard at `/`, same origin as `/graphql`: one page (routes are in the hash) and its
 * content-hashed assets, cached for good.
 */
export function dashboardRoutes(): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const security = { 'content-security-policy': POLICY, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

  app.get('/', async (c) => {
    const page = await readFile(path.join(BUILT, 'index.html')).catch(() => null);
    if (!page) return c.html(NOT_BUILT, 503, security);
    return c.body(page, 200, { ...security, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  });

  app.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = CONTENT_TYPES[path.extname(file)];
    if (!type || !/^[\w-]+(\.[\w-]+)+$/.test(file)) return restError(c, 'not_found', `No asset ${file.slice(0, 80)}`);
    const body = await readFile(path.join(BUILT, 'assets', file)).catch(() => null);
    if (!body) return restError(c, 'not_found', `No asset ${file.slice(0, 80)}`);
    return c.body(body, 200, { ...security, 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' });
  });
  return app;
}
