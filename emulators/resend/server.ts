/**
 * A local Resend API over real HTTP (node:http), serving one generated account. Each request
 * goes: stats → User-Agent check (Cloudflare) → rate limit → injected fault → auth → route.
 * Fidelity points are in the Resend provider notes (§6); deviations are noted where made.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, errors } from './errors.js';
import { FaultInjector, type FaultRule } from './faults.js';
import type { ResendAccount, ResendApiKeyRecord } from './model.js';
import { FixedWindowRateLimiter } from './rate-limit.js';
import { decodeParams, matchRoute, type RouteMatch } from './routes.js';
import { EmulatorStats } from './stats.js';
import { AccountIndex } from './store.js';
import { resendSpecShapes, type ResendSpecRecords } from './spec-shapes.js';
import type { SpecShapesOptions } from '../shared/spec-shapes.js';

export { EmulatorStats } from './stats.js';
export { FaultInjector, type FaultRule, type FaultHandle } from './faults.js';
export type { ResendSpecRecords, ResendSpecKind } from './spec-shapes.js';

export interface ResendEmulatorOptions {
  account: ResendAccount;
  /** Requests per 1-second window for the whole team; default 10 (Resend's current default). */
  rateLimit?: number;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Milliseconds clock for the rate-limit window and stats timestamps; default Date.now. */
  clock?: () => number;
  /**
   * Spec-shapes mode (default off): every record's fields beyond identity and relationships are
   * sampled from Resend's OpenAPI response schemas (emulators/resend/spec-shapes.ts); the seed
   * makes the responses reproducible.
   */
  specShapes?: SpecShapesOptions;
}

export interface ResendEmulator {
  /** Base URL without a trailing slash, e.g. for RESEND_BASE_URL. */
  url: string;
  account: ResendAccount;
  /** In spec-shapes mode, the records as served per kind (the truth to compare an import with); else undefined. */
  specRecords: ResendSpecRecords | undefined;
  stats: EmulatorStats;
  faults: FaultInjector;
  setRateLimit(n: number): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const CLOUDFLARE_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  ({ status, headers: { ...headers, 'content-type': JSON_TYPE }, body: JSON.stringify(body) });
const errorReply = (e: ApiError, headers: Record<string, string> = {}) => json(e.statusCode, e.toBody(), headers);

export async function startResendEmulator(options: ResendEmulatorOptions): Promise<ResendEmulator> {
  const shapes = options.specShapes ? resendSpecShapes(options.account, options.specShapes) : undefined;
  const index = new AccountIndex(shapes?.account ?? options.account);
  const clock = options.clock ?? Date.now;
  const limiter = new FixedWindowRateLimiter(options.rateLimit ?? 10, clock);
  const stats = new EmulatorStats();
  const faults = new FaultInjector();
  const keysByToken = new Map<string, ResendApiKeyRecord>(options.account.apiKeys.map((k) => [k.token, k]));
  const timers = new Set<NodeJS.Timeout>();

  function authorize(header: string | undefined): void {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) throw errors.missingApiKey();
    const key = keysByToken.get(token);
    if (!key) throw errors.invalidApiKey();
    // Every endpoint served here is a management read: a sending key may not use any of them.
    if (key.permission !== 'full_access') throw errors.restrictedApiKey();
  }

  function answer(req: http.IncomingMessage, url: URL, match: RouteMatch | undefined): Reply {
    try {
      authorize(req.headers.authorization);
      if (!match || (match.route.global && !index.features.globalContacts)) throw errors.endpointNotFound();
      // Writes are not emulated; a known path with another method says so instead of pretending.
      if (req.method !== 'GET') throw errors.methodNotAllowed();
      const body = match.route.handle({ params: decodeParams(match.params), query: url.searchParams, index });
      return json(200, shapes ? shapes.serve(match.route.template, body) : body);
    } catch (e) {
      if (e instanceof ApiError) return errorReply(e);
      return errorReply(errors.internal());
    }
  }

  function faultReply(rule: FaultRule, rateHeaders: Record<string, string>): Reply {
    const retry: Record<string, string> = rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) };
    if (rule.status === 429) {
      return errorReply(errors.rateLimited(), { ...rateHeaders, 'ratelimit-remaining': '0', 'retry-after': String(rule.retryAfterSeconds ?? 1) });
    }
    if (rule.status === 502) return { status: 502, headers: { ...rateHeaders, ...retry, 'content-type': 'text/html' }, body: CLOUDFLARE_502 };
    return errorReply(rule.status === 503 ? errors.unavailable() : errors.internal(), { ...rateHeaders, ...retry });
  }

  function send(res: http.ServerResponse, reply: Reply, fault: FaultRule | undefined): void {
    stats.recordResponse(reply.status);
    let body = Buffer.from(reply.body);
    if (fault?.kind === 'malformed') {
      // A proper prefix of a JSON object is never valid JSON.
      body = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
      reply = { ...reply, status: 200, headers: { ...reply.headers, 'content-type': JSON_TYPE } };
    }
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
    if (fault?.kind === 'cut') {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  }

  const server = http.createServer((req, res) => {
    req.resume(); // bodies are never read; drain them so keep-alive works
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const match = matchRoute(url.pathname);
    stats.recordRequest(`${method} ${match?.route.template ?? '(unknown)'}`, clock());
    if (!req.headers['user-agent']) return send(res, errorReply(errors.missingUserAgent()), undefined);
    const rate = limiter.take();
    if (!rate.allowed) return send(res, errorReply(errors.rateLimited(), rate.headers), undefined);
    const fault = faults.take(method, url.pathname, match?.route.template);
    if (fault?.kind === 'status') return send(res, faultReply(fault, rate.headers), undefined);
    const reply = answer(req, url, match);
    reply.headers = { ...rate.headers, ...reply.headers };
    if (fault?.kind !== 'slow') return send(res, reply, fault);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(res, reply, undefined);
    }, fault.delayMs ?? 1000);
    timers.add(timer);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    account: options.account,
    specRecords: shapes?.records,
    stats,
    faults,
    setRateLimit: (n) => limiter.setLimit(n),
    close: () => new Promise<void>((resolve, reject) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}
