import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../errors/app-error.js';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { randomBytes } from 'node:crypto';
import type { AppServices } from '../app-services.js';
import type { Yoga } from './yoga.js';
import type { HttpEnv } from './http-context.js';
import { dashboardRoutes } from './dashboard.routes.js';
import { restError } from './rest-errors.js';
import { readiness } from '../modules/health/readiness.js';
import { migrateRoutes } from './rest/migrate.routes.js';
import { isUploadRequest, uploadRoutes } from './rest/uploads.routes.js';
import { mediaRoutes } from './media.routes.js';
import { requestScope } from '../logger.js';
import { isDatabaseUnavailable } from '../db/connection-errors.js';
import { authenticateApiKey, bearerToken } from '../modules/api-keys/api-key.service.js';
import { clientAddress } from './rate-limit.js';
import { idempotency } from '../modules/idempotency/idempotency.middleware.js';

/** Headers a browser client may send and read, when CORS is on. */
const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'];
const CORS_RESPONSE_HEADERS = ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'Idempotent-Replayed'];

/** The request's id (the client's, when it sent a sane one), on the response and on every log line. */
function requestIds(): MiddlewareHandler<HttpEnv>[] {
  return [
    requestId({ limitLength: 128, generator: () => `req_${randomBytes(12).toString('base64url')}` }),
    async (c, next) => {
      await requestScope.run({ requestId: c.get('requestId') }, next);
      // Responses made outside Hono's context (yoga's) do not carry headers set on it.
      if (!c.res.headers.has('x-request-id')) c.res.headers.set('X-Request-Id', c.get('requestId'));
    },
  ];
}

/** A request-level failure of the GraphQL endpoint, in GraphQL's own response shape. */
function graphqlError(c: Context<HttpEnv>, code: ErrorCode, message: string) {
  return c.json(
    { errors: [{ message, extensions: { code, requestId: c.get('requestId') } }] },
    ERROR_HTTP_STATUS[code] as ContentfulStatusCode,
  );
}

/** Who is calling: the API key behind `Authorization`, looked up once per request. */
function authentication(services: AppServices): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    c.set('auth', token ? await authenticateApiKey(services.orm.em.fork(), token) : null);
    await next();
  };
}

/** HTTP routes: health, GraphQL over HTTP, and the REST shim. Every error is JSON with a code. */
export function createHttpApp(services: AppServices, yoga: Yoga): Hono<HttpEnv> {
  const { env, logger } = services;
  const app = new Hono<HttpEnv>();

  app.use('*', ...requestIds());
  if (env.CORS_ORIGINS.length) {
    app.use(
      '*',
      cors({
        origin: env.CORS_ORIGINS.includes('*') ? '*' : env.CORS_ORIGINS,
        allowHeaders: CORS_REQUEST_HEADERS,
        exposeHeaders: CORS_RESPONSE_HEADERS,
        maxAge: 600,
      }),
    );
  }
  app.use('*', (c, next) => {
    c.set('clientAddress', clientAddress(c, env.TRUST_PROXY));
    return next();
  });
  // Access log without headers or bodies: they carry API keys and source credentials.
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });

  // Probes are never counted or refused.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await readiness(services);
    return c.json(report, report.status === 'ready' ? 200 : 503);
  });

  app.use('*', services.rateLimits.byAddress);
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        c.header('Allow', methods.join(', '));
        return restError(c, 'method_not_allowed', `${c.req.method} is not allowed here; use ${methods.join(', ')}`);
      },
    }),
  );
  // Before idempotency, which reads the whole body. Uploads stream, under their own limit.
  const jsonBodyLimit = bodyLimit({
    maxSize: env.MAX_BODY_BYTES,
    onError: (c) => {
      // The unread rest of the body would be taken for the next request on this connection.
      c.header('Connection', 'close');
      return restError(c, 'payload_too_large', `Request body exceeds ${env.MAX_BODY_BYTES} bytes`);
    },
  });
  app.use('*', (c, next) => (isUploadRequest(c) ? next() : jsonBodyLimit(c, next)));
  const idempotent = idempotency(services);
  for (const path of ['/graphql', '/v1/*']) {
    // A refused request (rate limit) reserves no idempotency key. An upload resumes by its offset instead.
    app.use(path, authentication(services), services.rateLimits.byKey, (c, next) => (isUploadRequest(c) ? next() : idempotent(c, next)));
  }

  app.on(['GET', 'POST'], yoga.graphqlEndpoint, async (c) => {
    const res = await yoga.fetch(c.req.raw, { auth: c.get('auth'), requestId: c.get('requestId') });
    // Yoga answers a body it cannot read (415) or an Accept it cannot serve (406) with no body.
    if (res.status === 415) return graphqlError(c, 'unsupported_media_type', 'POST /graphql takes Content-Type: application/json');
    if (res.status === 406) return graphqlError(c, 'not_acceptable', 'GraphQL answers application/json, application/graphql-response+json or text/event-stream');
    return res;
  });
  app.route('/v1/migrate/:id/uploads', uploadRoutes(services));
  app.route('/v1/migrate', migrateRoutes(yoga));
  app.route('/media', mediaRoutes(services));
  app.route('/', dashboardRoutes());

  app.notFound((c) => restError(c, 'not_found', `No route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    if (isDatabaseUnavailable(err)) {
      logger.warn({ err: err.message, path: c.req.path }, 'database unavailable');
      c.header('Retry-After', '5');
      return restError(c, 'service_unavailable', 'The database is unavailable; retry shortly');
    }
    logger.error({ err, path: c.req.path }, 'unhandled HTTP error');
    return restError(c, 'internal_error', 'Internal server error');
  });
  return app;
}
