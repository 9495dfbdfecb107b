/**
 * A local Postmark API over real HTTP (node:http) serving one generated account. Two kinds of
 * token, each in its own header: the account token opens /servers, /domains and /senders, a
 * server token opens that server's streams, suppressions and templates; neither opens the other's
 * endpoints (401, as Postmark answers a missing or wrong token). Errors are
 * `{ErrorCode, Message}`; lists page by `count`/`offset` (500 at most) with `TotalCount`; the
 * stream list and each stream's suppression dump are not paged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorStats } from '../resend/stats.js';
import { FixedWindowRateLimiter } from '../resend/rate-limit.js';
import { FaultInjector } from '../resend/faults.js';
import type { PostmarkAccount, PostmarkServerRecord } from './model.js';
import type { SpecShapesOptions } from '../shared/spec-shapes.js';
import { postmarkSpecShapes, type PostmarkSpecRecords } from './spec-shapes.js';

export type { PostmarkSpecRecords, PostmarkSpecKind } from './spec-shapes.js';

export interface PostmarkEmulatorOptions {
  account: PostmarkAccount;
  /** Requests a second before a 429; default 100. */
  requestsPerSecond?: number;
  clock?: () => number;
  /**
   * Spec-shapes mode (default off): every record's fields beyond identity and relationships are
   * sampled from Postmark's Swagger response schemas (and, for streams and suppressions, which
   * the specs lack, from the live docs' shapes): emulators/postmark/spec-shapes.ts. The seed
   * makes the responses reproducible byte for byte.
   */
  specShapes?: SpecShapesOptions;
}

export interface PostmarkEmulator {
  url: string;
  account: PostmarkAccount;
  stats: EmulatorStats;
  faults: FaultInjector;
  /** In spec-shapes mode, the records as served per kind (the truth to compare an import with); else undefined. */
  specRecords: PostmarkSpecRecords | undefined;
  setRequestsPerSecond(n: number): void;
  close(): Promise<void>;
}

class PostmarkError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

const unauthorized = () => new PostmarkError(401, 10, 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.');
const notFound = (what: string) => new PostmarkError(422, 1101, `${what} not found`);

function paged<T>(query: URLSearchParams, all: T[]): { TotalCount: number; items: T[] } {
  const count = Number(query.get('count') ?? query.get('Count'));
  const offset = Number(query.get('offset') ?? query.get('Offset') ?? 0);
  if (!Number.isInteger(count) || count < 1 || count > 500) throw new PostmarkError(422, 0, 'The count parameter must be between 1 and 500');
  if (!Number.isInteger(offset) || offset < 0) throw new PostmarkError(422, 0, 'The offset parameter must be a positive number');
  return { TotalCount: all.length, items: all.slice(offset, offset + count) };
}

function accountRoute(account: PostmarkAccount, path: string, query: URLSearchParams): unknown {
  if (path === '/servers') {
    const { TotalCount, items } = paged(query, account.servers);
    return { TotalCount, Servers: items.map(({ streams: _s, templates: _t, suppressions: _x, ...s }) => s) };
  }
  if (path === '/domains') {
    const { TotalCount, items } = paged(query, account.domains);
    return { TotalCount, Domains: items.map((d) => ({ ID: d.ID, Name: d.Name, SPFVerified: d.SPFVerified, DKIMVerified: d.DKIMVerified, WeakDKIM: d.WeakDKIM, ReturnPathDomainVerified: d.ReturnPathDomainVerified })) };
  }
  const domain = /^\/domains\/(\d+)$/.exec(path);
  if (domain) {
    const d = account.domains.find((x) => x.ID === Number(domain[1]));
    if (!d) throw notFound('Domain');
    return d;
  }
  if (path === '/senders') {
    const { TotalCount, items } = paged(query, account.senders);
    return { TotalCount, SenderSignatures: items };
  }
  return undefined;
}

function serverRoute(server: PostmarkServerRecord, path: string, query: URLSearchParams): unknown {
  if (path === '/server') {
    const { streams: _s, templates: _t, suppressions: _x, ...s } = server;
    return s;
  }
  if (path === '/message-streams') {
    const archived = query.get('IncludeArchivedStreams') === 'true';
    const streams = server.streams.filter((s) => archived || !s.ArchivedAt);
    return { MessageStreams: streams, TotalCount: streams.length };
  }
  const dump = /^\/message-streams\/([^/]+)\/suppressions\/dump$/.exec(path);
  if (dump) {
    if (!server.streams.some((s) => s.ID === decodeURIComponent(dump[1]!))) throw notFound('Message stream');
    return { Suppressions: server.suppressions[decodeURIComponent(dump[1]!)] ?? [] };
  }
  if (path === '/templates') {
    const type = query.get('TemplateType') ?? query.get('templateType');
    const chosen = server.templates.filter((t) => !type || type === 'All' || t.TemplateType === type);
    const { TotalCount, items } = paged(query, chosen);
    return { TotalCount, Templates: items.map((t) => ({ TemplateId: t.TemplateId, Name: t.Name, Alias: t.Alias, Active: t.Active, TemplateType: t.TemplateType, LayoutTemplate: t.LayoutTemplate })) };
  }
  const one = /^\/templates\/([^/]+)$/.exec(path);
  if (one) {
    const key = decodeURIComponent(one[1]!);
    const t = server.templates.find((x) => String(x.TemplateId) === key || x.Alias === key);
    if (!t) throw notFound('Template');
    return t;
  }
  return undefined;
}

export async function startPostmarkEmulator(options: PostmarkEmulatorOptions): Promise<PostmarkEmulator> {
  const { account } = options;
  const clock = options.clock ?? Date.now;
  const stats = new EmulatorStats();
  const faults = new FaultInjector();
  // The rate-limit headers it computes are not sent: the provider sends none.
  const limiter = new FixedWindowRateLimiter(options.requestsPerSecond ?? 100, clock);
  const shapes = options.specShapes ? postmarkSpecShapes(account, options.specShapes) : undefined;
  /** The route template of a path (as spec-shapes.ts names them), with the dump's stream. */
  const routeOf = (path: string): { route: string; stream?: string } => {
    const dump = /^\/message-streams\/([^/]+)\/suppressions\/dump$/.exec(path);
    if (dump) return { route: '/message-streams/{id}/suppressions/dump', stream: decodeURIComponent(dump[1]!) };
    if (/^\/domains\/[^/]+$/.test(path)) return { route: '/domains/{id}' };
    if (/^\/templates\/[^/]+$/.test(path)) return { route: '/templates/{id}' };
    return { route: path };
  };
  const shaped = (path: string, body: unknown, server?: PostmarkServerRecord) => {
    if (!shapes) return body;
    const { route, stream } = routeOf(path);
    return shapes.serve(route, body, { server, stream });
  };

  function answer(req: http.IncomingMessage, url: URL): { status: number; body: unknown } {
    try {
      const accountToken = req.headers['x-postmark-account-token'];
      const serverToken = req.headers['x-postmark-server-token'];
      if (req.method !== 'GET') throw new PostmarkError(405, 0, 'Method not allowed');
      if (typeof accountToken === 'string') {
        if (accountToken !== account.accountToken) throw unauthorized();
        const body = accountRoute(account, url.pathname, url.searchParams);
        if (body === undefined) throw unauthorized(); // a server endpoint asked with the account token
        return { status: 200, body: shaped(url.pathname, body) };
      }
      const server = typeof serverToken === 'string' ? account.servers.find((s) => s.ApiTokens.includes(serverToken)) : undefined;
      if (!server) throw unauthorized();
      const body = serverRoute(server, url.pathname, url.searchParams);
      if (body === undefined) throw unauthorized();
      return { status: 200, body: shaped(url.pathname, body, server) };
    } catch (e) {
      const err = e instanceof PostmarkError ? e : new PostmarkError(500, 0, 'Internal server error');
      return { status: err.status, body: { ErrorCode: err.code, Message: err.message } };
    }
  }

  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://emulator');
    stats.recordRequest(`${req.method} ${url.pathname.replace(/\/\d+$/, '/{id}')}`, clock());
    const send = (status: number, body: unknown, cut = false, malformed = false) => {
      stats.recordResponse(status);
      let bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      if (malformed) bytes = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      if (cut) res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      else res.end(bytes);
    };
    if (!limiter.take().allowed) return send(429, { ErrorCode: 429, Message: 'Rate limit exceeded' });
    const fault = faults.take(req.method ?? 'GET', url.pathname, undefined);
    if (fault?.kind === 'status') return send(fault.status ?? 500, fault.status === 429 ? { ErrorCode: 429, Message: 'Rate limit exceeded' } : { ErrorCode: 0, Message: 'Internal server error' });
    const reply = answer(req, url);
    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(reply.status, reply.body);
      }, fault.delayMs ?? 1000);
      timers.add(timer);
      return;
    }
    send(fault?.kind === 'malformed' ? 200 : reply.status, reply.body, fault?.kind === 'cut', fault?.kind === 'malformed');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    account,
    stats,
    faults,
    specRecords: shapes?.records,
    setRequestsPerSecond: (n) => limiter.setLimit(n),
    close: () => new Promise<void>((resolve, reject) => {
      for (const t of timers) clearTimeout(t);
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}
