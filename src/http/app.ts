import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppServices } from '../app-services.js';
import type { Yoga } from './yoga.js';
import { restError } from './rest-errors.js';
import { readiness } from '../modules/health/readiness.js';
import { migrateRoutes } from './rest/migrate.routes.js';
import { mediaRoutes } from './media.routes.js';

/** HTTP routes: health, GraphQL over HTTP, and the REST shim. Every error is JSON with a code. */
export function createHttpApp(services: AppServices, yoga: Yoga): Hono {
  const app = new Hono();

  app.use(
    '*',
    bodyLimit({
      maxSize: services.env.MAX_BODY_BYTES,
      onError: (c) =>
        restError(c, 'payload_too_large', `Request body exceeds ${services.env.MAX_BODY_BYTES} bytes`),
    }),
  );

  // Access log without headers or bodies: they carry API keys and source credentials.
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    services.logger.debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await readiness(services);
    return c.json(report, report.status === 'ready' ? 200 : 503);
  });

  app.on(['GET', 'POST', 'OPTIONS'], yoga.graphqlEndpoint, (c) => yoga.fetch(c.req.raw, {}));
  app.route('/v1/migrate', migrateRoutes(yoga));
  app.route('/media', mediaRoutes(services));

  app.notFound((c) => restError(c, 'not_found', `No route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    services.logger.error({ err, path: c.req.path }, 'unhandled HTTP error');
    return restError(c, 'internal_error', 'Internal server error');
  });
  return app;
}
