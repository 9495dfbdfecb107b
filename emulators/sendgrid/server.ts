/**
 * A local SendGrid v3 API over real HTTP (node:http), serving one generated account. API requests
 * go: stats → per-endpoint rate limit → injected fault → auth → scope → route. The same server
 * also stands in for S3 (export files under /exports, no auth) and for SendGrid's image CDN
 * (under /cdn, the `cdnUrl`). Fidelity points: the SendGrid provider notes (fidelity §7).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendGridError, errors } from './errors.js';
import { ExportJobs } from './exports.js';
import { FaultInjector, type FaultRule } from './faults.js';
import type { SendGridAccount, SendGridApiKeyRecord } from './model.js';
import { PerEndpointRateLimiter, type RateLimitConfig } from './rate-limit.js';
import { matchRoute, type RouteMatch } from './routes.js';
import { EmulatorStats } from './stats.js';
import { AccountIndex } from './store.js';
import { sendgridSpecShapes, type SendGridSpecRecords } from './spec-shapes.js';
import type { SpecShapesOptions } from '../shared/spec-shapes.js';

export { EmulatorStats } from './stats.js';
export { FaultInjector, type FaultRule, type FaultHandle } from './faults.js';
export type { SendGridSpecRecords, SendGridSpecKind } from './spec-shapes.js';

export interface SendGridEmulatorOptions {
  account: SendGridAccount;
  /** Per endpoint (method + path template); default 600 per 60 s. */
  rateLimit?: RateLimitConfig;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Polls of an export job that answer `pending` before it is `ready`; default 1. */
  exportReadyAfterPolls?: number;
  /** Contacts per export file (emulates max_file_size); default 100,000. */
  maxFileSizeContacts?: number;
  /** Export files expire this long after the job is created; default 72 h (undocumented). */
  exportTtlSeconds?: number;
  /** Milliseconds clock for rate-limit windows, export expiry and stats; default Date.now. */
  clock?: () => number;
  /**
   * Spec-shapes mode (default off): scopes, custom field definitions, lists, templates and
   * versions, unsubscribe groups and suppressions have their fields beyond identity and
   * relationships sampled from SendGrid's OpenAPI response schemas (emulators/sendgrid/spec-shapes.ts);
   * contacts and their exports are unchanged. The seed makes the responses reproducible.
   */
  specShapes?: SpecShapesOptions;
}

export interface SendGridEmulator {
  /** API base URL without a trailing slash or /v3, e.g. http://127.0.0.1:4567. */
  url: string;
  /** Stands in for https://cdn.mcauto-images-production.sendgrid.net: image paths are the same. */
  cdnUrl: string;
  account: SendGridAccount;
  /** In spec-shapes mode, the records as served per kind (the truth to compare an import with); else undefined. */
  specRecords: SendGridSpecRecords | undefined;
  stats: EmulatorStats;
  faults: FaultInjector;
  /** Builds the files of these exports (list id sets; [] = all contacts) now, as SendGrid would before `ready`. */
  prebuildExports(selections: string[][]): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const JSON_TYPE = 'application/json';
/** A 1×1 transparent PNG: enough for an importer to re-host and compare bytes. */
export const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  ({ status, headers: { ...headers, 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify(body)) });
const errorReply = (e: SendGridError, headers: Record<string, string> = {}) => json(e.statusCode, e.toBody(), headers);

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSendGridEmulator(options: SendGridEmulatorOptions): Promise<SendGridEmulator> {
  const index = new AccountIndex(options.account);
  const shapes = options.specShapes ? sendgridSpecShapes(options.account, options.specShapes) : undefined;
  const clock = options.clock ?? Date.now;
  const limiter = new PerEndpointRateLimiter(options.rateLimit ?? { limit: 600, windowSeconds: 60 }, clock);
  const exportJobs = new ExportJobs(index, {
    readyAfterPolls: options.exportReadyAfterPolls ?? 1,
    maxFileSizeContacts: options.maxFileSizeContacts ?? 100_000,
    ttlMs: (options.exportTtlSeconds ?? 72 * 3600) * 1000,
  });
  const stats = new EmulatorStats();
  const faults = new FaultInjector();
  const keysByToken = new Map<string, SendGridApiKeyRecord>(options.account.apiKeys.map((k) => [k.token, k]));
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';

  function authorize(header: string | undefined): SendGridApiKeyRecord {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) throw errors.authorizationRequired();
    const key = keysByToken.get(token);
    if (!key) throw errors.invalidGrant();
    return key;
  }

  async function answerApi(req: http.IncomingMessage, url: URL, match: RouteMatch | undefined): Promise<Reply> {
    try {
      const key = authorize(req.headers.authorization);
      if (!match) throw errors.notFound('resource');
      if (req.method !== match.route.method) throw errors.methodNotAllowed();
      if (match.route.scope !== null && !key.scopes.includes(match.route.scope)) throw errors.forbidden();
      if (match.route.template === '/v3/scopes') return json(200, shapes ? shapes.scopes(key) : { scopes: key.scopes });
      const raw = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown;
      try { body = raw.trim() ? JSON.parse(raw) : undefined; } catch { throw errors.badParameter('', 'invalid JSON in request body'); }
      const ctx = { params: match.params, query: url.searchParams, body, index, exports: exportJobs, baseUrl, now: clock() };
      const out = match.route.handle(ctx);
      return json(match.route.status, shapes ? shapes.serve(match.route.template, out) : out);
    } catch (e) {
      return errorReply(e instanceof SendGridError ? e : errors.internal());
    }
  }

  /** Export files and CDN images: public, like S3 and the CDN; not rate limited by the API. */
  function answerBlob(url: URL): Reply {
    const file = /^\/exports\/([^/]+)\/(\d+)\.(csv|json)\.gz$/.exec(url.pathname);
    if (file) {
      const r = exportJobs.file(file[1] ?? '', Number(file[2]), clock());
      return { status: r.status, headers: { 'content-type': r.contentType }, body: r.body };
    }
    const imagePath = url.pathname.slice('/cdn'.length);
    if (url.pathname.startsWith('/cdn/') && index.imagePaths.has(imagePath)) return { status: 200, headers: { 'content-type': 'image/png' }, body: PIXEL_PNG };
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not Found') };
  }

  function faultReply(rule: FaultRule, rateHeaders: Record<string, string>): Reply {
    if (rule.status === 429) {
      return errorReply(errors.tooManyRequests(), rule.withoutRateHeaders ? {} : { ...rateHeaders, 'x-ratelimit-remaining': '0' });
    }
    if (rule.status === 502) return { status: 502, headers: { ...rateHeaders, 'content-type': 'text/html' }, body: Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>') };
    return errorReply(rule.status === 503 ? errors.unavailable() : errors.internal(), rateHeaders);
  }

  function send(res: http.ServerResponse, reply: Reply, fault: FaultRule | undefined): void {
    stats.recordResponse(reply.status);
    let body = reply.body;
    if (fault?.kind === 'malformed') {
      body = body.subarray(0, Math.max(1, Math.floor(body.length / 2))); // a proper prefix of JSON or gzip is never valid
      reply = { ...reply, status: 200 };
    }
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
    if (fault?.kind === 'cut') {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const isApi = url.pathname.startsWith('/v3/');
    let match: RouteMatch | undefined;
    try { match = isApi ? matchRoute(method, url.pathname) : undefined; } catch { match = undefined; } // bad %-escapes
    const template = match?.route.template ?? (isApi ? '(unknown)' : url.pathname.replace(/^\/(exports|cdn)\/.*/, '/$1/*'));
    stats.recordRequest(`${method} ${template}`, clock());
    let rateHeaders: Record<string, string> = {};
    if (isApi) {
      const rate = limiter.take(`${method} ${template}`);
      rateHeaders = rate.headers;
      if (!rate.allowed) return send(res, errorReply(errors.tooManyRequests(), rate.headers), undefined);
    }
    const fault = faults.take(method, url.pathname, match?.route.template);
    if (fault?.kind === 'status') return send(res, faultReply(fault, rateHeaders), undefined);
    if (!isApi || method !== 'POST') req.resume(); // drain unread bodies so keep-alive works
    const reply = isApi ? await answerApi(req, url, match) : answerBlob(url);
    reply.headers = { ...rateHeaders, ...reply.headers };
    if (fault?.kind !== 'slow') return send(res, reply, fault);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(res, reply, undefined);
    }, fault.delayMs ?? 1000);
    timers.add(timer);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => { if (!res.headersSent) send(res, errorReply(errors.internal()), undefined); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    cdnUrl: `${baseUrl}/cdn`,
    account: options.account,
    specRecords: shapes?.records,
    stats,
    faults,
    prebuildExports: (selections) => {
      for (const listIds of selections) exportJobs.prebuild(listIds);
    },
    close: () => new Promise<void>((resolve, reject) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}
