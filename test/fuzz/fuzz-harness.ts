/**
 * The fuzz harness: runs each property (an input class with a fast-check arbitrary) against a
 * FuzzEnv, sends its requests over real HTTP and WebSocket, checks every answer against the
 * invariants below, and tallies requests, status codes and violations per input class.
 *
 * Invariants checked on every answer:
 *   - never a 5xx, never `internal_error` / `INTERNAL_SERVER_ERROR` / "Unexpected error.";
 *   - the documented status and code for the input class (the property states them);
 *   - never an API key secret (`mk_…`) nor any credential the fuzzer sent, in a body, a header,
 *     a WebSocket message or an API log line;
 *   - an `X-Request-Id` header on every HTTP response; every 4xx JSON REST body is exactly
 *     `{ "error": { "code", "message", "request_id" } }` with the header's id;
 *   - no "Did you mean" hints (production), no GraphQL wording in REST messages;
 *   - a 405 carries `Allow`; answers come within FUZZ_SLOW_MS;
 *   - after a run whose requests were all refused, the database digest is unchanged.
 *
 * Shared by test/fuzz/api-fuzz.test.ts (vitest) and scripts/fuzz.ts (standalone): no vitest here.
 */
import fc from 'fast-check';
import type { FuzzEnv } from './fuzz-env.js';
import { MARKER_PATTERN } from './fuzz-arbitraries.js';
import { WsPool } from './fuzz-ws-client.js';

/** Answers slower than this are a violation (a stall, as a 30 kB query used to cause). */
// Under vitest (npm test) time is not judged: CI shares two cores among many test files, and
// performance is the bench's to measure (hostile-query). `npm run fuzz` judges it.
const TIMING = !process.env.VITEST;
export const SLOW_MS = Number(process.env.FUZZ_SLOW_MS ?? (TIMING ? 3000 : 60_000));
/** Per-request timeout: a request still unanswered then is a stall. */
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 15_000);

export interface Violation {
  property: string;
  rule: string;
  /** The request's template (`POST /v1/migrate/:id/approve`), to group violations. */
  label: string;
  /** The concrete request, abbreviated. */
  request: string;
  status: string;
  excerpt: string;
  detail: string;
}

export interface PropertyReport {
  name: string;
  describe: string;
  runs: number;
  requests: number;
  statuses: Map<string, number>;
  violations: Violation[];
  ms: number;
}

/** What an answer must look like for the request's input class. */
export interface Expectation {
  /** Template of the request, for grouping (`GET /v1/migrate/:id`). */
  label: string;
  /** Which error vocabulary applies: REST bodies, GraphQL results, or anything (health, media). */
  api: 'rest' | 'graphql' | 'other';
  /** Allowed HTTP statuses (HTTP only). */
  status?: readonly number[];
  /** Allowed codes: REST `error.code`, GraphQL `extensions.code` of every error; `ok` = no error. */
  codes?: readonly string[];
  /** Names a 4xx message must mention (unknown fields). */
  namesInMessage?: readonly string[];
  /** The answer may hold a new API key secret (createApiKey). */
  mayReturnSecret?: boolean;
  /** The request must be answered without any call to the source providers (emulators). */
  noUpstream?: boolean;
  /** Allowed WebSocket close codes, when the socket may close (undefined: it must stay open). */
  closeCodes?: readonly number[];
  /** The request cannot write even when accepted (a query): the digest is still compared. */
  readOnlyRequest?: boolean;
  /** A stricter time limit than FUZZ_SLOW_MS (documents that must be refused before validation). */
  maxMs?: number;
  /** A subscription that sends nothing until something changes (migrationsChanged): silence is an answer. */
  quietUntilChange?: boolean;
}

export interface HttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string | undefined>;
  body?: string | Uint8Array;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  ms: number;
  /** The request was refused (4xx, or a GraphQL result whose root fields are all null). */
  refused: boolean;
}

export interface WsOutcome {
  /** `next` payloads received. */
  results: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  /** Errors of an `error` message. */
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  completed: boolean;
  /** The socket closed while the operation ran. */
  closeCode?: number;
  closeReason?: string;
  timedOut: boolean;
  ms: number;
}

/** Strings shown in a report: control characters escaped, long values shortened. */
export function preview(value: unknown, max = 240): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > 400 ? `${value.slice(0, 120)}…(${value.length} chars)…${value.slice(-40)}` : value);
  else if (value instanceof Uint8Array) text = `<${value.length} bytes>`;
  else {
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 60)}…(${v.length} chars)` : v)) ?? String(value);
    } catch {
      text = '<unprintable>';
    }
  }
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** Error codes of a GraphQL response body (every error, in order). */
export function graphqlCodes(json: any): string[] {
  const errors = Array.isArray(json?.errors) ? json.errors : [];
  const topLevel = errors.map((e: any) => (typeof e?.extensions?.code === 'string' ? e.extensions.code : '(none)'));
  // A mutation's expected failure is a typed member of its result union (a UserError with a code).
  const data = json?.data && typeof json.data === 'object' ? Object.values(json.data) : [];
  const typed = data.flatMap((v: any) => (v && typeof v === 'object' && typeof v.code === 'string' && /Error$/.test(String(v.__typename)) ? [v.code] : []));
  return [...topLevel, ...typed];
}

function rootAllNull(data: unknown): boolean {
  if (data === null || data === undefined) return true;
  if (typeof data !== 'object') return false;
  return Object.values(data as Record<string, unknown>).every((v) => v === null);
}

/** When this process last sent a body over the limit (the server may drop that connection later). */
let lastOversizedAt = 0;
const OVERSIZED_BYTES = 1_048_576;

const KEY_PATTERN = /mk_[A-Za-z0-9_-]{40,}/;
const LOG_KEY_PATTERN = /mk_[A-Za-z0-9_-]{20,}/;
const INTERNAL_PATTERN = /internal_error|INTERNAL_SERVER_ERROR|Unexpected error\./;
const GRAPHQL_WORDING = /Variable "\$|got invalid value|Expected value of type|Syntax Error|Cannot query field|Unknown argument|GraphQL/;

/** One property run's context: makes the requests, checks them, records the outcome. */
export class RunContext {
  /** An accepted request that may write was made: the digest is not compared. */
  mayHaveWritten = false;
  private baselineDigest: string | undefined;

  constructor(
    readonly env: FuzzEnv,
    private readonly report: PropertyReport,
    readonly pool: WsPool,
    readonly input: unknown,
  ) {}

  /** Takes the database digest that the end of the run is compared with (call after fixtures). */
  async baseline(): Promise<void> {
    this.baselineDigest = await this.env.digest();
  }

  get digestBefore() {
    return this.baselineDigest;
  }

  violation(rule: string, label: string, request: string, status: string, excerpt: string, detail: string) {
    this.report.violations.push({ property: this.report.name, rule, label, request, status, excerpt, detail });
  }

  count(status: string) {
    this.report.requests++;
    this.report.statuses.set(status, (this.report.statuses.get(status) ?? 0) + 1);
  }

  /** Marks that an accepted request may have written (the digest is not compared then). */
  wrote() {
    this.mayHaveWritten = true;
  }

  private upstreamCount() {
    return this.env.resend.stats.total + this.env.sendgrid.stats.total;
  }

  /** Sends one HTTP request and checks the answer; undefined when the client could not send it. */
  async http(req: HttpRequest, expect: Expectation): Promise<HttpAnswer | undefined> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined) headers[k] = v;
    const describe = `${req.method} ${preview(req.path, 160)}${req.headers?.authorization !== undefined ? ` auth=${preview(req.headers.authorization, 60)}` : ''}${req.body !== undefined ? ` body=${preview(typeof req.body === 'string' ? req.body : req.body, 200)}` : ''}`;
    const upstreamBefore = this.upstreamCount();
    let started = performance.now();
    const bodySize = typeof req.body === 'string' ? Buffer.byteLength(req.body) : (req.body?.length ?? 0);
    const send = () =>
      fetch(`${this.env.apiUrl}${req.path}`, {
        method: req.method,
        headers,
        body: req.body as BodyInit | undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    const sendOnce = async () => {
      try {
        return await send();
      } catch (first) {
        const f = first as Error & { cause?: { code?: string } };
        // A keep-alive connection the server dropped after answering an oversized body early:
        // a defect of its own (the 413 said keep-alive), reported, then the request is retried.
        if (f.cause?.code !== 'UND_ERR_SOCKET' || Date.now() - lastOversizedAt > 10_000) throw first;
        this.violation('dropped-keep-alive', 'request after a 413', describe, 'none', '', 'the connection kept alive after a 413 was closed under the next request (a 413 that leaves the body unread should say Connection: close)');
        started = performance.now();
        return await send();
      } finally {
        if (bodySize > OVERSIZED_BYTES) lastOversizedAt = Date.now();
      }
    };
    let res: Response;
    try {
      res = await sendOnce();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      // A header value fetch will not send (CR, LF, NUL, > U+00FF): that input class cannot
      // reach the server over HTTP at all.
      if (e.name === 'TypeError' && /header|ByteString|Invalid/i.test(`${e.message} ${e.cause?.message ?? ''}`) && !e.cause?.code) return undefined;
      this.count('no response');
      this.violation('no-response', expect.label, describe, 'none', '', `${e.name}: ${e.message}${e.cause ? ` (${e.cause.code ?? ''} ${e.cause.message ?? ''})` : ''}`);
      this.mayHaveWritten = true;
      return undefined;
    }
    let text = '';
    try {
      text = await res.text();
    } catch (err) {
      this.violation('no-response', expect.label, describe, String(res.status), '', `body not readable: ${(err as Error).message}`);
    }
    const ms = performance.now() - started;
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const codes = expect.api === 'graphql' ? graphqlCodes(json) : json?.error?.code ? [String(json.error.code)] : [];
    const refused = res.status >= 400 || (expect.api === 'graphql' && codes.length > 0 && rootAllNull(json?.data));
    const answer: HttpAnswer = { status: res.status, headers: res.headers, text, json, ms, refused };
    this.count(String(res.status));
    if (!refused && !(req.method === 'GET' || expect.readOnlyRequest)) this.mayHaveWritten = true;
    const excerpt = preview(text, 300);
    const v = (rule: string, detail: string) => this.violation(rule, expect.label, describe, String(res.status), excerpt, detail);

    // Never a 5xx (unless the route documents one, as /readyz's 503 without a worker), never an internal error.
    if (res.status >= 500 && !expect.status?.includes(res.status)) v('5xx', `HTTP ${res.status}`);
    if (INTERNAL_PATTERN.test(text)) v('internal-error', 'the body names an internal error');
    // Every response names its request.
    const requestId = res.headers.get('x-request-id');
    if (!requestId) v('no-request-id', 'no X-Request-Id header');
    // No secret, ever.
    this.checkSecrets(text, expect, (d) => v('secret-echo', d));
    for (const [name, value] of res.headers) this.checkSecrets(value, { ...expect, mayReturnSecret: false }, (d) => v('secret-echo', `header ${name}: ${d}`));
    if (/Did you mean/i.test(text)) v('suggestion', 'a "Did you mean" hint in production');
    const limit = expect.maxMs ?? SLOW_MS;
    if (ms > limit) v('slow', `answered in ${Math.round(ms)} ms (limit ${limit})`);
    if (res.status === 405 && !res.headers.get('allow')) v('no-allow-header', '405 without an Allow header');
    if (res.status === 429) v('rate-limited', `429 although rate limits are off (Retry-After: ${res.headers.get('retry-after')})`);
    if (expect.noUpstream && this.upstreamCount() !== upstreamBefore) v('upstream-call', 'the source provider was called for an input that must be refused at once');

    // The REST error body.
    if (expect.api === 'rest' && res.status >= 400 && res.status < 500) {
      const err = json?.error;
      const keys = json && typeof json === 'object' ? Object.keys(json) : [];
      if (!err || typeof err !== 'object' || keys.length !== 1 || typeof err.code !== 'string' || typeof err.message !== 'string' || typeof err.request_id !== 'string') {
        v('rest-error-shape', 'not { "error": { "code", "message", "request_id" } }');
      } else {
        const extra = Object.keys(err).filter((k) => !['code', 'message', 'request_id', 'details'].includes(k));
        if (extra.length) v('rest-error-shape', `unexpected keys in error: ${extra.join(', ')}`);
        if (requestId && err.request_id !== requestId) v('rest-error-shape', `request_id ${err.request_id} differs from X-Request-Id ${requestId}`);
      }
      if (typeof err?.message === 'string') {
        if (GRAPHQL_WORDING.test(err.message)) v('graphql-wording', 'a REST message in GraphQL wording');
        for (const name of expect.namesInMessage ?? []) {
          if (!err.message.includes(name)) v('unnamed-field', `the message does not name "${name}"`);
        }
      }
    }
    if (expect.api === 'graphql' && res.status >= 400 && !Array.isArray(json?.errors) && !json?.error) v('empty-error-body', 'a 4xx without an error body');
    // The documented status and code.
    if (expect.status && !expect.status.includes(res.status)) v('wrong-status', `expected ${expect.status.join('|')}`);
    if (expect.codes) this.codeRules(codes, expect.codes, v);
    return answer;
  }

  private checkCodes(codes: string[], allowed: readonly string[], report: (detail: string) => void) {
    if (!codes.length) {
      if (!allowed.includes('ok')) report(`expected ${allowed.join('|')}, got success`);
      return;
    }
    const bad = codes.filter((c) => !allowed.includes(c));
    if (bad.length) report(`expected ${allowed.join('|')}, got ${[...new Set(codes)].join(', ')}`);
  }

  /** Like checkCodes, but an error without any code is its own rule (no-error-code). */
  private codeRules(codes: string[], allowed: readonly string[], v: (rule: string, detail: string) => void) {
    const withCode = codes.filter((c) => c !== '(none)');
    if (withCode.length < codes.length && !allowed.includes('(none)')) v('no-error-code', 'an error without extensions.code');
    if (codes.length && !withCode.length && !allowed.includes('(none)')) return;
    this.checkCodes(allowed.includes('(none)') ? codes : withCode.length ? withCode : codes, allowed, (d) => v('wrong-code', d));
  }

  private checkSecrets(text: string, expect: Pick<Expectation, 'mayReturnSecret'>, report: (detail: string) => void) {
    const m = MARKER_PATTERN.exec(text);
    if (m) report(`echoes the credential sent (${m[0]})`);
    for (const secret of this.env.secrets) {
      if (text.includes(secret)) {
        report(`holds an API key secret (${secret.slice(0, 9)}…)`);
        break;
      }
    }
    if (!expect.mayReturnSecret) {
      const k = KEY_PATTERN.exec(text);
      if (k && !m) report(`holds something shaped like an API key (${k[0].slice(0, 9)}…)`);
    }
  }

  /** Checks one operation's outcome over graphql-ws. */
  ws(describe: string, outcome: WsOutcome, expect: Expectation) {
    const status = outcome.closeCode !== undefined ? `ws close ${outcome.closeCode}` : outcome.timedOut ? 'ws timeout' : outcome.errors ? 'ws error' : 'ws next';
    this.count(status);
    const errors = outcome.errors ?? outcome.results.flatMap((r) => r.errors ?? []);
    const refused = outcome.closeCode !== undefined || (errors.length > 0 && outcome.results.every((r) => rootAllNull(r.data))) || (outcome.results.length > 0 && outcome.results.every((r) => graphqlCodes(r).length > 0));
    if (!refused && !expect.readOnlyRequest) this.mayHaveWritten = true;
    const text = JSON.stringify({ results: outcome.results, errors: outcome.errors, reason: outcome.closeReason });
    const v = (rule: string, detail: string) => this.violation(rule, expect.label, describe, status, preview(text, 300), detail);
    if (outcome.closeCode !== undefined && !(expect.closeCodes ?? []).includes(outcome.closeCode)) {
      v(outcome.closeCode === 4500 || outcome.closeCode === 1011 ? 'ws-internal-close' : 'ws-closed', `socket closed with ${outcome.closeCode} ${outcome.closeReason ?? ''}`);
    }
    if (outcome.timedOut && !expect.quietUntilChange) v('ws-no-answer', `no answer in ${Math.round(outcome.ms)} ms`);
    if (INTERNAL_PATTERN.test(text)) v('internal-error', 'the answer names an internal error');
    this.checkSecrets(text, expect, (d) => v('secret-echo', d));
    if (/Did you mean/i.test(text)) v('suggestion', 'a "Did you mean" hint in production');
    const limit = expect.maxMs ?? SLOW_MS;
    if (outcome.ms > limit && !outcome.timedOut) v('slow', `answered in ${Math.round(outcome.ms)} ms (limit ${limit})`);
    if (expect.codes && outcome.closeCode === undefined && !outcome.timedOut) {
      const codes = outcome.errors
        ? graphqlCodes({ errors: outcome.errors })
        : outcome.results.flatMap((r) => graphqlCodes(r));
      this.codeRules(codes, expect.codes, v);
    }
  }
}

/** An input class: what is generated, and what each request of a run must get. */
export interface FuzzProperty<T = any> {
  name: string;
  describe: string;
  /** Share of FUZZ_RUNS this property gets (expensive ones run less). */
  weight?: number;
  arbitrary(env: FuzzEnv): fc.Arbitrary<T>;
  /** Inputs always run first: the reported defects, so a regression is caught at any run count. */
  examples?(env: FuzzEnv): T[];
  run(ctx: RunContext, input: T): Promise<void>;
}

export interface RunOptions {
  runs: number;
  seed?: number;
}

/** Runs one property for `runs` generated inputs (plus its examples) and reports what it saw. */
export async function runProperty<T>(env: FuzzEnv, property: FuzzProperty<T>, options: RunOptions): Promise<PropertyReport> {
  const report: PropertyReport = { name: property.name, describe: property.describe, runs: 0, requests: 0, statuses: new Map(), violations: [], ms: 0 };
  const started = performance.now();
  const logOffset = env.apiOutput().length;
  const pool = new WsPool(env);
  const numRuns = Math.max(1, Math.round(options.runs * (property.weight ?? 1)));
  const examples = (property.examples?.(env) ?? []).map((e) => [e] as [T]);
  try {
    await fc.assert(
      fc.asyncProperty(property.arbitrary(env), async (input) => {
        report.runs++;
        const ctx = new RunContext(env, report, pool, input);
        await ctx.baseline();
        try {
          await property.run(ctx, input);
        } catch (err) {
          ctx.violation('harness-error', property.name, preview(input), '', '', err instanceof Error ? `${err.message}\n${err.stack?.split('\n').slice(1, 4).join('\n')}` : String(err));
        }
        if (!ctx.mayHaveWritten && ctx.digestBefore !== undefined) {
          const after = await env.digest();
          if (after !== ctx.digestBefore) {
            ctx.violation('db-changed', property.name, preview(input), '', '', 'every request was refused (or only read), yet the database changed');
          }
        }
        if (env.api.child.exitCode !== null || env.api.child.signalCode !== null) {
          throw new ApiExited(`API exited (${env.api.child.exitCode ?? env.api.child.signalCode}) during input ${preview(input)}`);
        }
        return true;
      }),
      // Examples count towards numRuns in fast-check: add them, so every one runs at any FUZZ_RUNS.
      { numRuns: numRuns + examples.length, seed: options.seed, examples, endOnFailure: true },
    );
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause ?? err;
    report.violations.push({
      property: property.name,
      rule: cause instanceof ApiExited ? 'api-exited' : 'harness-error',
      label: property.name,
      request: '',
      status: '',
      excerpt: env.apiOutput().slice(-600),
      detail: cause instanceof Error ? cause.message.slice(0, 2000) : String(cause),
    });
  } finally {
    await pool.closeAll();
  }
  // Log lines arrive a little after their responses.
  await new Promise((r) => setTimeout(r, 150));
  scanLogs(env, env.apiOutput().slice(logOffset), report);
  report.ms = performance.now() - started;
  return report;
}

class ApiExited extends Error {}

/** API log lines must never hold a secret; error-level lines show failures a 4xx may hide. */
function scanLogs(env: FuzzEnv, output: string, report: PropertyReport) {
  const add = (rule: string, line: string, detail: string) =>
    report.violations.push({ property: report.name, rule, label: 'API log', request: '', status: '', excerpt: preview(line, 400), detail });
  let errorLines = 0;
  for (const line of output.split('\n')) {
    if (!line) continue;
    const m = MARKER_PATTERN.exec(line);
    if (m) add('secret-in-log', line, `a credential the fuzzer sent is in the API log (${m[0]})`);
    const k = LOG_KEY_PATTERN.exec(line);
    if (k) add('secret-in-log', line, `something shaped like an API key is in the API log (${k[0].slice(0, 9)}…)`);
    for (const secret of env.secrets) if (line.includes(secret)) add('secret-in-log', line, 'an API key secret is in the API log');
    if (/"level":(50|60)/.test(line) && errorLines++ < 20) add('error-log', line, 'the API logged an error (a refused request should not)');
  }
}
