import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import ipaddr from 'ipaddr.js';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppServices } from '../app-services.js';
import type { HttpEnv } from './http-context.js';
import { restError } from './rest-errors.js';

export type RateLimitKind = 'address' | 'key';

/** `limit: 0` means nothing was enforced: the limit is disabled, or its store is unreachable. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface RateLimits {
  /** Counts one event (request, WebSocket connection attempt or operation) against `id`. */
  consume(kind: RateLimitKind, id: string): Promise<RateLimitDecision>;
  /** Per client address (`c.get('clientAddress')`), before authentication. */
  byAddress: MiddlewareHandler<HttpEnv>;
  /** Per API key (`c.get('auth')?.apiKeyId`), after authentication; no key → no count. */
  byKey: MiddlewareHandler<HttpEnv>;
}

export interface RateLimitOptions {
  /** A store slower than this counts as unreachable (a hung database must not hang requests). */
  storeTimeoutMs?: number;
  /** After a store failure, requests skip the store this long instead of piling onto it. */
  pauseAfterFailureMs?: number;
  /** At most one "store unavailable" warning per interval. */
  warnIntervalMs?: number;
}

/** Created by migration 0008 in the library's own shape. */
const TABLE = 'rate_limits';
const NOT_ENFORCED: RateLimitDecision = { allowed: true, limit: 0, remaining: 0, resetSeconds: 0 };

/** Fixed-window counters in PostgreSQL, the one state every API process shares. */
export function createRateLimits(
  services: Pick<AppServices, 'env' | 'pool' | 'logger'>,
  options: RateLimitOptions = {},
): RateLimits {
  const { env, pool, logger } = services;
  const { storeTimeoutMs = 1000, pauseAfterFailureMs = 2000, warnIntervalMs = 60_000 } = options;
  const windowSeconds = env.RATE_LIMIT_WINDOW_SECONDS;
  const limiter = (keyPrefix: string, points: number) =>
    points > 0
      ? new RateLimiterPostgres({
          storeClient: pool,
          storeType: 'pool',
          tableName: TABLE,
          tableCreated: true, // never DDL at runtime: the migration made the table
          keyPrefix,
          points,
          duration: windowSeconds,
          // Once a key is used up, this process refuses it from memory until the window ends:
          // a flooding client costs no more queries (the database count says the same).
          inMemoryBlockOnConsumed: points,
        })
      : null;
  const limiters = {
    address: limiter('addr', env.RATE_LIMIT_PER_ADDRESS),
    key: limiter('key', env.RATE_LIMIT_PER_KEY),
  };

  let pausedUntil = 0;
  let lastWarning = -Infinity;
  async function consume(kind: RateLimitKind, id: string): Promise<RateLimitDecision> {
    const rl = limiters[kind];
    if (!rl || Date.now() < pausedUntil) return NOT_ENFORCED;
    try {
      const bucket = kind === 'address' ? addressBucket(id) : id;
      return decision(rl.points, true, await withTimeout(rl.consume(storeKey(bucket)), storeTimeoutMs));
    } catch (err) {
      if (err instanceof RateLimiterRes) return decision(rl.points, false, err);
      // Fail open: an unreachable store must not turn every request into a 500.
      pausedUntil = Date.now() + pauseAfterFailureMs;
      if (Date.now() - lastWarning >= warnIntervalMs) {
        lastWarning = Date.now();
        logger.warn({ err }, 'rate limit store unavailable: requests pass unlimited');
      }
      return NOT_ENFORCED;
    }
  }

  const middleware =
    (kind: RateLimitKind, idOf: (c: Context<HttpEnv>) => string | undefined): MiddlewareHandler<HttpEnv> =>
    async (c, next) => {
      const id = idOf(c);
      const d = id ? await consume(kind, id) : NOT_ENFORCED;
      if (d.limit === 0) return next();
      if (!d.allowed) {
        showTightest(c, d, windowSeconds);
        c.header('Retry-After', String(Math.max(1, d.resetSeconds)));
        const who = kind === 'key' ? 'this API key' : 'this address';
        return restError(
          c,
          'rate_limited',
          `Rate limit of ${d.limit} requests per ${windowSeconds} s exceeded for ${who}; retry in ${Math.max(1, d.resetSeconds)} s`,
        );
      }
      await next();
      showTightest(c, d, windowSeconds);
    };

  return {
    consume,
    byAddress: middleware('address', (c) => c.get('clientAddress') || clientAddress(c, env.TRUST_PROXY)),
    byKey: middleware('key', (c) => c.get('auth')?.apiKeyId),
  };
}

/**
 * The client's address: the first X-Forwarded-For entry behind a trusted proxy, else the socket
 * peer. Normalised (IPv4-mapped IPv6 → IPv4) so one client is one counter; 'unknown' without a
 * socket (in-process `app.request`).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  let socketAddress: string | undefined;
  try {
    socketAddress = getConnInfo(c).remote.address;
  } catch {
    socketAddress = undefined;
  }
  return peerAddress(c.req.header('x-forwarded-for'), socketAddress, trustProxy);
}

/** The same rule from the raw parts, for callers without a Hono context (WebSocket upgrades). */
export function peerAddress(forwardedFor: string | undefined, socketAddress: string | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const first = normalizeAddress(forwardedFor?.split(',')[0]?.trim() ?? '');
    if (first) return first;
  }
  return normalizeAddress(socketAddress ?? '') ?? 'unknown';
}

function normalizeAddress(value: string): string | undefined {
  // Some proxies write "1.2.3.4:5678" or "[::1]:5678".
  const bare = value.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
  if (!ipaddr.isValid(bare)) return undefined;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  }
  return parsed.toString();
}

/** One IPv6 client holds a whole /64: counting single addresses would let it rotate past the limit. */
function addressBucket(address: string): string {
  if (!ipaddr.IPv6.isValid(address)) return address;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address}/64`).toString()}/64`;
}

/** The store's key column is varchar(255); longer ids (from WebSocket callers) are hashed. */
const storeKey = (id: string) => (id.length <= 200 ? id : createHash('sha256').update(id).digest('hex'));

function decision(limit: number, allowed: boolean, res: RateLimiterRes): RateLimitDecision {
  return {
    allowed,
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(0, Math.ceil(res.msBeforeNext / 1000)),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limit store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Both limits may apply to one request; its headers describe the one closest to refusing. */
const shown = new WeakMap<Context, RateLimitDecision>();
function showTightest(c: Context, d: RateLimitDecision, windowSeconds: number) {
  const previous = shown.get(c);
  const tightest = previous && previous.remaining <= d.remaining ? previous : d;
  shown.set(c, tightest);
  // draft-ietf-httpapi-ratelimit-headers, draft 7 form.
  c.header('RateLimit-Policy', `${tightest.limit};w=${windowSeconds}`);
  c.header('RateLimit', `limit=${tightest.limit}, remaining=${tightest.remaining}, reset=${tightest.resetSeconds}`);
}
