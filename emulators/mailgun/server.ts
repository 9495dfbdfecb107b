/**
 * A local Mailgun API over real HTTP (node:http), one server per region (US and EU), serving
 * one generated account from its region: the other region knows none of its keys, as on
 * Mailgun. Requests go: stats → rate limit → injected fault → auth → route. Errors are
 * `{"message": …}`; a 429 carries no rate-limit headers (Mailgun sends none).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorStats } from '../resend/stats.js';
import { FixedWindowRateLimiter } from '../resend/rate-limit.js';
import { FaultInjector, type FaultRule } from '../resend/faults.js';
import type { MailgunAccount, MailgunRegion } from './model.js';
import { MailgunError, matchRoute } from './routes.js';
import { mailgunSpecShapes, type MailgunSpecRecords } from './spec-shapes.js';
import type { SpecShapesOptions } from '../shared/spec-shapes.js';

export { FaultInjector, type FaultRule } from '../resend/faults.js';
export type { MailgunSpecRecords, MailgunSpecKind } from './spec-shapes.js';

export interface MailgunEmulatorOptions {
  account: MailgunAccount;
  /** Requests a second over both regions before a 429; default 100. */
  requestsPerSecond?: number;
  host?: string;
  clock?: () => number;
  /**
   * Spec-shapes mode (default off): every record's fields beyond identity (ids, names, addresses,
   * member counts) and the paging envelope are sampled from Mailgun's OpenAPI response schemas
   * (emulators/mailgun/spec-shapes.ts); the seed makes the responses reproducible.
   */
  specShapes?: SpecShapesOptions;
}

export interface MailgunEmulator {
  /** https://api.mailgun.net stand-in, without a trailing slash. */
  url: string;
  /** https://api.eu.mailgun.net stand-in. */
  euUrl: string;
  account: MailgunAccount;
  /** In spec-shapes mode, the records as served per kind (the truth to compare an import with); else undefined. */
  specRecords: MailgunSpecRecords | undefined;
  stats: EmulatorStats;
  faults: FaultInjector;
  setRequestsPerSecond(n: number): void;
  close(): Promise<void>;
}

interface Reply { status: number; body: Buffer }
const json = (status: number, body: unknown): Reply => ({ status, body: Buffer.from(JSON.stringify(body)) });
const message = (status: number, text: string) => json(status, { message: text });

export async function startMailgunEmulator(options: MailgunEmulatorOptions): Promise<MailgunEmulator> {
  const shapes = options.specShapes ? mailgunSpecShapes(options.account, options.specShapes) : undefined;
  // In spec mode the emulator serves from its own copy (members' `subscribed` as served).
  const account = shapes?.account ?? options.account;
  const clock = options.clock ?? Date.now;
  const stats = new EmulatorStats();
  const faults = new FaultInjector();
  // The rate-limit headers it computes are not sent: the provider sends none.
  const limiter = new FixedWindowRateLimiter(options.requestsPerSecond ?? 100, clock);
  const keys = new Map(account.apiKeys.map((k) => [k.token, k]));

  function authorize(region: MailgunRegion, header: string | undefined): Reply | null {
    const basic = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    const [user, ...rest] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const key = region === account.region && user === 'api' ? keys.get(rest.join(':')) : undefined;
    if (!key) return message(401, 'Invalid private key');
    if (key.kind === 'sending') return message(403, 'Forbidden');
    return null;
  }

  function answer(region: MailgunRegion, req: http.IncomingMessage, url: URL, base: string): Reply {
    const refused = authorize(region, req.headers.authorization);
    if (refused) return refused;
    const match = matchRoute(url.pathname);
    if (!match) return message(404, 'Not Found');
    if (req.method !== 'GET') return message(405, 'Method Not Allowed');
    try {
      const body = match.route.handle({ account, params: match.params, query: url.searchParams, url: `${base}${url.pathname}` });
      return json(200, shapes ? shapes.serve(match.route.template, match.params, body) : body);
    } catch (e) {
      return e instanceof MailgunError ? message(e.status, e.message) : message(500, 'Internal Server Error');
    }
  }

  function send(res: http.ServerResponse, reply: Reply, fault?: FaultRule): void {
    stats.recordResponse(reply.status);
    let body = reply.body;
    if (fault?.kind === 'malformed') body = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
    res.writeHead(fault?.kind === 'malformed' ? 200 : reply.status, { 'content-type': 'application/json', 'content-length': String(body.length) });
    if (fault?.kind === 'cut') {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  }

  const timers = new Set<NodeJS.Timeout>();
  async function serve(region: MailgunRegion, base: () => string): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      req.resume();
      const url = new URL(req.url ?? '/', 'http://emulator');
      let match: ReturnType<typeof matchRoute>;
      try { match = matchRoute(url.pathname); } catch { match = undefined; }
      stats.recordRequest(`${req.method} ${match?.route.template ?? '(unknown)'}`, clock());
      if (!limiter.take().allowed) return send(res, message(429, 'Too Many Requests'));
      const fault = faults.take(req.method ?? 'GET', url.pathname, match?.route.template);
      if (fault?.kind === 'status') {
        const status = fault.status ?? 500;
        return send(res, status === 429 ? message(429, 'Too Many Requests') : status === 502 ? { status, body: Buffer.from('<html>502 Bad Gateway</html>') } : message(status, 'Internal Server Error'));
      }
      const reply = answer(region, req, url, base());
      if (fault?.kind !== 'slow') return send(res, reply, fault);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(res, reply);
      }, fault.delayMs ?? 1000);
      timers.add(timer);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, options.host ?? '127.0.0.1', () => resolve());
    });
    return server;
  }

  const urlOf = (server: http.Server) => `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  let usUrl = '';
  let euUrl = '';
  const us = await serve('us', () => usUrl);
  const eu = await serve('eu', () => euUrl);
  usUrl = urlOf(us);
  euUrl = urlOf(eu);
  const closeServer = (server: http.Server) => new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });

  return {
    url: usUrl,
    euUrl,
    account,
    specRecords: shapes?.records,
    stats,
    faults,
    setRequestsPerSecond: (n) => limiter.setLimit(n),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await Promise.all([closeServer(us), closeServer(eu)]);
    },
  };
}
