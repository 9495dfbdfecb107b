import type { MiddlewareHandler } from 'hono';
import type { AppServices } from '../../app-services.js';
import type { HttpEnv } from '../../http/http-context.js';
import { restError } from '../../http/rest-errors.js';
import { claimKey, completeKey, releaseKey, type Claim, type KeySlot } from './idempotency.repository.js';
import { requestHash } from './request-hash.js';

/** 1 to 255 printable ASCII characters (space to tilde). */
const KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;
/** A reservation older than this without a response belongs to a process that died mid-request. */
const IN_FLIGHT_TIMEOUT_SECONDS = 300;
/** Response headers that belong to the response itself (not to the request replaying it). */
const STORED_HEADERS = ['content-type', 'location'];
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * `Idempotency-Key` on POST, as Stripe documents it: the first request runs and its response is
 * kept (per organization, `IDEMPOTENCY_TTL_HOURS`); a retry with the same key and request gets
 * that response again with `Idempotent-Replayed: true`. Runs after authentication; without a
 * full_access key it passes through (the route answers 401 or 403).
 */
export function idempotency(services: Pick<AppServices, 'env' | 'pool' | 'logger'>): MiddlewareHandler<HttpEnv> {
  const { pool, env, logger } = services;
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    const auth = c.get('auth');
    // Only a full_access key can change anything; for others the route answers (403) as without a key.
    if (c.req.method !== 'POST' || key === undefined || auth?.scope !== 'full_access') return next();
    if (!KEY_FORMAT.test(key)) {
      return restError(c, 'validation_error', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
    }

    // Hono caches the text for the route's c.req.text()/json(); routes that read the raw
    // Request themselves (yoga) get a fresh one carrying the same body.
    const body = await c.req.text();
    c.req.raw = new Request(c.req.raw, { body });
    const url = new URL(c.req.url);
    const hash = requestHash(c.req.method, url.pathname + url.search, body);
    const slot: KeySlot = { organizationId: auth.organizationId, key };
    let claim: Claim;
    try {
      claim = await claimKey(pool, slot, {
        requestHash: hash,
        method: c.req.method,
        path: c.req.path,
        ttlHours: env.IDEMPOTENCY_TTL_HOURS,
        inFlightTimeoutSeconds: IN_FLIGHT_TIMEOUT_SECONDS,
      });
    } catch (err) {
      // Never run the request unprotected (it could run twice): the client retries with the key.
      logger.warn({ err }, 'idempotency keys unavailable');
      return restError(c, 'service_unavailable', 'Idempotency-Key could not be checked; retry the request with the same key');
    }

    if (claim.kind === 'existing') {
      if (claim.requestHash !== hash) {
        return restError(
          c,
          'validation_error',
          'This Idempotency-Key was already used with a different request (method, path or body); use a new key',
        );
      }
      if (!claim.response) {
        return restError(c, 'idempotency_conflict', 'A request with this Idempotency-Key is still in progress; retry later');
      }
      const { status, headers, body: stored } = claim.response;
      const replay = new Headers(headers);
      replay.set('Idempotent-Replayed', 'true');
      return new Response(NULL_BODY_STATUS.has(status) ? null : new Uint8Array(stored), { status, headers: replay });
    }

    const release = () =>
      releaseKey(pool, slot, claim.token).catch((err) => logger.warn({ err }, 'could not release idempotency key'));
    try {
      await next();
    } catch (err) {
      await release();
      throw err;
    }
    // Not kept, so a retry runs again: server errors, thrown errors (Hono turned them into a
    // response), rate limiting, and streams (SSE, multipart), which cannot be replayed.
    const res = c.res;
    const type = res.headers.get('content-type') ?? '';
    if (c.error || res.status >= 500 || res.status === 429 || /^(text\/event-stream|multipart\/)/i.test(type)) {
      await release();
      return;
    }
    try {
      const headers = Object.fromEntries(
        STORED_HEADERS.flatMap((name) => (res.headers.has(name) ? [[name, res.headers.get(name)!]] : [])),
      );
      const stored = Buffer.from(await res.clone().arrayBuffer());
      if (!(await completeKey(pool, slot, claim.token, { status: res.status, headers, body: stored }))) {
        logger.warn({ path: c.req.path }, 'idempotency key was taken over before its response was stored');
      }
    } catch (err) {
      // The route's work is done: answer it; the retry will run again.
      logger.warn({ err }, 'could not store idempotent response');
      await release();
    }
  };
}
