/**
 * Properties of the REST shim (`/v1/migrate`), `/media`, health, unknown routes and wrong methods.
 * Each property is one input class with the status and code the contract documents for it.
 */
import fc from 'fast-check';
import type { FuzzEnv } from './fuzz-env.js';
import { SEEDED_SCAN } from './fuzz-env.js';
import type { Expectation, FuzzProperty, RunContext } from './fuzz-harness.js';
import { badAuthorization, hostileString, idLike, marker, unknownFieldName } from './fuzz-arbitraries.js';

export const bearer = (key: string | undefined) => (key === undefined ? undefined : `Bearer ${key}`);
export const JSON_TYPE = { 'content-type': 'application/json' };

/** A well-formed request to each `/v1/migrate` route, as orgA would send it. */
interface RouteCase {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

function restRoutes(env: FuzzEnv, credentialMarker: string): RouteCase[] {
  const { jobs } = env.orgA;
  return [
    { label: 'GET /v1/migrate/sources', method: 'GET', path: '/v1/migrate/sources' },
    { label: 'GET /v1/migrate', method: 'GET', path: '/v1/migrate?limit=5' },
    { label: 'POST /v1/migrate', method: 'POST', path: '/v1/migrate', body: { source: 'resend', credential: `re_${credentialMarker}` } },
    { label: 'GET /v1/migrate/:id', method: 'GET', path: `/v1/migrate/${jobs.completed}` },
    { label: 'POST /v1/migrate/:id/approve', method: 'POST', path: `/v1/migrate/${jobs.ready_for_review}/approve`, body: { options: { contacts: true } } },
    { label: 'POST /v1/migrate/:id/cancel', method: 'POST', path: `/v1/migrate/${jobs.pending}/cancel` },
    { label: 'POST /v1/migrate/:id/retry', method: 'POST', path: `/v1/migrate/${jobs.failed}/retry` },
    { label: 'GET /v1/migrate/:id/uploads', method: 'GET', path: `/v1/migrate/${jobs.ready_for_review}/uploads` },
    { label: 'POST /v1/migrate/:id/uploads', method: 'POST', path: `/v1/migrate/${jobs.ready_for_review}/uploads`, body: 'email,unsubscribed\na@example.com,false\n' },
  ];
}

function send(ctx: RunContext, route: RouteCase, authorization: string | undefined, expect: Omit<Expectation, 'label' | 'api'>, extraHeaders: Record<string, string | undefined> = {}) {
  return ctx.http(
    {
      method: route.method,
      path: route.path,
      headers: { authorization, ...(route.body === undefined ? {} : typeof route.body === 'string' ? { 'content-type': 'text/csv' } : JSON_TYPE), ...extraHeaders },
      // A file goes as it is; everything else as JSON.
      body: route.body === undefined ? undefined : typeof route.body === 'string' ? route.body : JSON.stringify(route.body),
    },
    { label: route.label, api: 'rest', ...expect },
  );
}

/** Keys are made unique per generated value: fast-check repeats values, and a key reused on another route is rightly refused. */
let keySequence = 0;
const idempotencyKey = fc.option(fc.stringMatching(/^[A-Za-z0-9-]{8,40}$/).map((k) => `${k}.${++keySequence}`), { nil: undefined });

// --- no key, bad key → 401 ------------------------------------------------------------------

const restAuth: FuzzProperty<{ route: number; authorization: string | undefined; credential: string; idem: string | undefined }> = {
  name: 'rest.no-or-bad-key',
  describe: 'every /v1/migrate route without a key, with a malformed, unknown or revoked key → 401 unauthorized',
  arbitrary: (env) =>
    fc.record({
      route: fc.nat({ max: 8 }),
      authorization: badAuthorization({ revoked: [env.orgA.revoked.key], valid: [env.orgA.full.key, env.orgA.readOnly.key] }),
      credential: marker,
      idem: idempotencyKey,
    }),
  async run(ctx, input) {
    const route = restRoutes(ctx.env, input.credential)[input.route]!;
    await send(ctx, route, input.authorization, { status: [401], codes: ['unauthorized'], noUpstream: true }, { 'idempotency-key': input.idem });
  },
};

// --- read_only key on a mutation → 403 ------------------------------------------------------

const approveOptionsValid = fc.record(
  {
    domains: fc.subarray(SEEDED_SCAN.domains.map((d) => d.name)),
    audiences: fc.subarray(SEEDED_SCAN.audiences.map((a) => a.id)),
    contacts: fc.boolean(),
  },
  { requiredKeys: [] },
);

const restReadOnly: FuzzProperty<{ route: number; options: unknown; idem: string | undefined }> = {
  name: 'rest.read-only-key-on-mutation',
  describe: 'a read_only key on POST /v1/migrate, approve, cancel, retry, uploads (well-formed bodies) → 403 forbidden; reads → 200',
  arbitrary: () => fc.record({ route: fc.nat({ max: 8 }), options: approveOptionsValid, idem: idempotencyKey }),
  async run(ctx, input) {
    const env = ctx.env;
    const routes = restRoutes(env, 'unused');
    const route = { ...routes[input.route]! };
    if (route.label === 'POST /v1/migrate') route.body = { source: 'resend', credential: env.resendCredential };
    if (route.label.endsWith('/approve')) route.body = { options: input.options };
    const read = route.method === 'GET';
    await send(ctx, route, bearer(env.orgA.readOnly.key), read ? { status: [200], codes: ['ok'] } : { status: [403], codes: ['forbidden'], noUpstream: true }, {
      'idempotency-key': input.idem,
    });
  },
};

// --- another organization's job → 404 -------------------------------------------------------

const restCrossOrg: FuzzProperty<{ action: string; job: string; key: 'full' | 'readOnly'; options: unknown }> = {
  name: 'rest.other-orgs-job',
  describe: "orgA's keys on orgB's jobs (every status, every route, uploads too, and as a list cursor) → 404 not_found (cursor: 422)",
  arbitrary: (env) =>
    fc.record({
      action: fc.constantFrom('get', 'approve', 'cancel', 'retry', 'uploads', 'cursor'),
      job: fc.constantFrom(...Object.values(env.orgB.jobs)),
      key: fc.constantFrom<'full' | 'readOnly'>('full', 'readOnly'),
      options: fc.option(approveOptionsValid, { nil: undefined }),
    }),
  async run(ctx, input) {
    const key = input.key === 'full' ? ctx.env.orgA.full.key : ctx.env.orgA.readOnly.key;
    if (input.action === 'cursor') {
      await send(ctx, { label: 'GET /v1/migrate?cursor', method: 'GET', path: `/v1/migrate?cursor=${encodeURIComponent(input.job)}` }, bearer(key), {
        status: [422],
        codes: ['validation_error'],
      });
      return;
    }
    const get = input.action === 'get';
    const route: RouteCase = get
      ? { label: 'GET /v1/migrate/:id', method: 'GET', path: `/v1/migrate/${input.job}` }
      : input.action === 'uploads'
        ? { label: 'POST /v1/migrate/:id/uploads', method: 'POST', path: `/v1/migrate/${input.job}/uploads`, body: 'email,unsubscribed\na@example.com,false\n' }
      : { label: `POST /v1/migrate/:id/${input.action}`, method: 'POST', path: `/v1/migrate/${input.job}/${input.action}`, body: input.action === 'approve' && input.options ? { options: input.options } : undefined };
    const readOnlyPost = !get && input.key === 'readOnly';
    await send(ctx, route, bearer(key), { status: readOnlyPost ? [403, 404] : [404], codes: readOnlyPost ? ['forbidden', 'not_found'] : ['not_found'] });
  },
};

// --- hostile ids in the path → 404 / 422 ----------------------------------------------------

/**
 * encodeURIComponent, except that a lone surrogate becomes its WTF-8 bytes (%ED%A0%80): invalid
 * UTF-8 in the path, which is what such a client would send.
 */
export function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) out += `%ED%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    else out += encodeURIComponent(ch);
  }
  return out;
}

function pathSegment(id: string, raw: boolean): string | undefined {
  if (!raw) return encodeSegment(id);
  // Raw: as a careless client would put it; only where it stays one path segment.
  if (/[/?#\\]/.test(id) || id === '.' || id === '..' || id === '' || /^\s|\s$/.test(id)) return undefined;
  return id;
}

const restIds: FuzzProperty<{ action: string; id: string; raw: boolean }> = {
  name: 'rest.hostile-job-ids',
  describe: 'ids in /v1/migrate/:id[/approve|cancel|retry]: random, empty, NUL, controls, unicode, huge, near misses → 404 not_found or 422 validation_error',
  arbitrary: (env) =>
    fc.record({
      action: fc.constantFrom('get', 'approve', 'cancel', 'retry'),
      // "." and ".." are dot segments: the URL itself drops them (another route, not an id).
      id: idLike({ others: Object.values(env.orgB.jobs) }).filter((id) => !Object.values(env.orgA.jobs).includes(id) && !env.scratchJobs.includes(id) && id !== '.' && id !== '..'),
      raw: fc.boolean(),
    }),
  examples: () =>
    ['get', 'approve', 'cancel', 'retry'].flatMap((action) => [
      { action, id: '\u0000', raw: false },
      { action, id: 'mig_\u0000', raw: false },
      { action, id: '%00', raw: true },
      { action, id: '%zz', raw: true },
    ]),
  async run(ctx, input) {
    let segment = pathSegment(input.id, input.raw) ?? encodeSegment(input.id);
    // Past Node's 16 KiB request-line limit Node itself answers 431, outside the app.
    if (segment.length > 12_000) segment = encodeSegment(input.id.slice(0, 1500));
    if (input.action === 'get' && segment === '') return;
    const get = input.action === 'get';
    const route: RouteCase = get
      ? { label: 'GET /v1/migrate/:id', method: 'GET', path: `/v1/migrate/${segment}` }
      : { label: `POST /v1/migrate/:id/${input.action}`, method: 'POST', path: `/v1/migrate/${segment}/${input.action}`, body: input.action === 'approve' ? {} : undefined };
    // A path of multi-byte characters can still pass 16 KiB once encoded: then Node's 431, with our error body.
    await send(ctx, route, bearer(ctx.env.orgA.full.key), { status: [404, 422, 431], codes: ['not_found', 'validation_error', 'headers_too_large'] });
  },
};

// --- list: limit and cursor -----------------------------------------------------------------

const limitValue = fc.oneof(
  fc.integer({ min: 1, max: 100 }).map(String),
  fc.integer({ min: -1000, max: 100_000 }).map(String),
  fc.constantFrom('0', '101', '-1', '1.5', 'abc', '', ' 5', '5 ', '0x10', '1e2', '５', '007', '%00', '\u0000', '9'.repeat(400), 'null', '[]', '5&limit=6'),
  hostileString,
);

const restList: FuzzProperty<{ limit: string | undefined; cursor: string | undefined; extra: [string, string] | undefined; repeat: boolean }> = {
  name: 'rest.list-query',
  describe: 'GET /v1/migrate?limit&cursor with hostile values (NUL, empty, huge, other org\'s job, repeated) → 200 or 422 validation_error',
  arbitrary: (env) =>
    fc.record({
      limit: fc.option(limitValue.map((s) => fitInUrl(s, 1000)), { nil: undefined }),
      cursor: fc.option(idLike({ own: Object.values(env.orgA.jobs), others: Object.values(env.orgB.jobs) }).map((s) => fitInUrl(s, 4000)), { nil: undefined }),
      // Values stay under Node's 16 KiB request-line limit once percent-encoded (past it Node answers 431 itself).
      extra: fc.option(fc.tuple(unknownFieldName.map((n) => fitInUrl(n, 2000)), hostileString.map((s) => fitInUrl(s, 4000))), { nil: undefined }),
      repeat: fc.boolean(),
    }),
  examples: () => [
    { limit: undefined, cursor: '\u0000', extra: undefined, repeat: false },
    { limit: '\u0000', cursor: undefined, extra: undefined, repeat: false },
    { limit: '5', cursor: 'mig_\u0000', extra: undefined, repeat: false },
  ],
  async run(ctx, input) {
    const params = new URLSearchParams();
    if (input.limit !== undefined) params.append('limit', input.limit);
    if (input.cursor !== undefined) params.append('cursor', input.cursor);
    if (input.repeat && input.limit !== undefined) params.append('limit', '7');
    if (input.extra) params.append(input.extra[0], input.extra[1]);
    const own = Object.values(ctx.env.orgA.jobs);
    const limitOk = input.limit === undefined || (/^\d+$/.test(input.limit) && Number(input.limit) >= 1 && Number(input.limit) <= 100);
    const cursorOk = input.cursor === undefined || input.cursor === '' || own.includes(input.cursor);
    // Repeated and unknown parameters: either answer is defensible; the invariants still hold.
    const loose = input.repeat || input.extra !== undefined;
    const expect = loose
      ? { status: [200, 422], codes: ['ok', 'validation_error'] }
      : limitOk && cursorOk
        ? { status: [200], codes: ['ok'] }
        : input.cursor === ''
          ? { status: [200, 422], codes: ['ok', 'validation_error'] }
          : { status: [422], codes: ['validation_error'] };
    const res = await ctx.http(
      { method: 'GET', path: `/v1/migrate?${params.toString()}`, headers: { authorization: bearer(ctx.env.orgA.full.key) } },
      { label: 'GET /v1/migrate?limit&cursor', api: 'rest', ...expect },
    );
    if (res?.status === 200 && (!Array.isArray(res.json?.data) || typeof res.json?.has_more !== 'boolean')) {
      ctx.violation('wrong-shape', 'GET /v1/migrate', `GET /v1/migrate?${params}`, '200', res.text.slice(0, 200), 'not { data: [...], has_more, next_cursor }');
    }
  },
};

// --- routes and methods ---------------------------------------------------------------------

interface RouteProbe {
  method: string;
  path: string;
  label: string;
  expect: { status: number[]; codes?: string[]; allow?: string };
  auth: boolean;
}

function routeProbes(env: FuzzEnv): fc.Arbitrary<RouteProbe> {
  const id = env.orgA.jobs.completed;
  const segment = hostileString.map((s) => encodeSegment(s.slice(0, 500)) || 'x');
  const unknown = fc.oneof(
    segment.map((s) => `/${s}`),
    segment.map((s) => `/v1/${s}`),
    segment.map((s) => `/v2/migrate/${s}`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/migrate/${a}/${b}/x`),
    segment.map((s) => `/v1/migrate/${id}/${s === 'approve' || s === 'cancel' || s === 'retry' ? 'x' : s}`),
    segment.map((s) => `/media/${s}/x`),
    segment.map((s) => `/graphql/${s}`),
    fc.constantFrom('/v1', '/v1/', '/v1/migrate/sources/x', '/healthz/x', '/favicon.ico', '/.env', '/%00', '/v1/migrate%00', '/graphql%00'),
  ).map((path): RouteProbe => ({ method: 'GET', path, label: 'unknown route', expect: { status: [404], codes: ['not_found'] }, auth: false }));
  const wrongMethod = fc.constantFrom<[string, string, string, string]>(
    ['PUT', '/v1/migrate', 'PUT /v1/migrate', 'GET, POST'],
    ['DELETE', '/v1/migrate', 'DELETE /v1/migrate', 'GET, POST'],
    ['PATCH', '/v1/migrate', 'PATCH /v1/migrate', 'GET, POST'],
    ['POST', '/v1/migrate/sources', 'POST /v1/migrate/sources', 'GET'],
    ['DELETE', `/v1/migrate/${id}`, 'DELETE /v1/migrate/:id', 'GET'],
    ['PUT', `/v1/migrate/${id}`, 'PUT /v1/migrate/:id', 'GET'],
    ['POST', `/v1/migrate/${id}`, 'POST /v1/migrate/:id', 'GET'],
    ['GET', `/v1/migrate/${id}/approve`, 'GET /v1/migrate/:id/approve', 'POST'],
    ['GET', `/v1/migrate/${id}/cancel`, 'GET /v1/migrate/:id/cancel', 'POST'],
    ['DELETE', `/v1/migrate/${id}/retry`, 'DELETE /v1/migrate/:id/retry', 'POST'],
    ['POST', '/healthz', 'POST /healthz', 'GET'],
    ['DELETE', '/readyz', 'DELETE /readyz', 'GET'],
    ['PUT', '/graphql', 'PUT /graphql', 'GET, POST'],
    ['DELETE', '/graphql', 'DELETE /graphql', 'GET, POST'],
    ['POST', `/media/${env.mediaFile}`, 'POST /media/:file', 'GET'],
  ).map(([method, path, label, allow]): RouteProbe => ({ method, path, label, expect: { status: [405], codes: ['method_not_allowed'], allow }, auth: false }));
  const known = fc.constantFrom<RouteProbe>(
    { method: 'GET', path: '/healthz', label: 'GET /healthz', expect: { status: [200] }, auth: false },
    // 503 while no worker is alive (the fuzz run starts none).
    { method: 'GET', path: '/readyz', label: 'GET /readyz', expect: { status: [200, 503] }, auth: false },
    { method: 'GET', path: `/media/${env.mediaFile}`, label: 'GET /media/:file', expect: { status: [200] }, auth: false },
    { method: 'GET', path: `/media/${env.mediaFile.toUpperCase()}`, label: 'GET /media/:file (unknown)', expect: { status: [404], codes: ['not_found'] }, auth: false },
    { method: 'GET', path: `/media/${'0'.repeat(64)}.png`, label: 'GET /media/:file (unknown)', expect: { status: [404], codes: ['not_found'] }, auth: false },
  );
  const media = hostileString.map((s): RouteProbe => ({ method: 'GET', path: `/media/${encodeSegment(s.slice(0, 500)) || 'x'}`, label: 'GET /media/:file (unknown)', expect: { status: [404], codes: ['not_found'] }, auth: false }));
  return fc.tuple(fc.oneof(unknown, wrongMethod, known, media), fc.boolean()).map(([probe, auth]) => ({ ...probe, auth }));
}

const restRoutesProperty: FuzzProperty<RouteProbe> = {
  name: 'rest.routes-and-methods',
  describe: 'unknown routes → 404 not_found; a wrong method on a known route → 405 method_not_allowed with Allow; health and media answer',
  arbitrary: (env) => routeProbes(env),
  async run(ctx, probe) {
    const res = await ctx.http(
      { method: probe.method, path: probe.path, headers: { authorization: probe.auth ? bearer(ctx.env.orgA.full.key) : undefined, ...(probe.method !== 'GET' ? JSON_TYPE : {}) }, body: ['GET', 'HEAD'].includes(probe.method) ? undefined : '{}' },
      { label: probe.label, api: 'rest', status: probe.expect.status, codes: probe.expect.codes, readOnlyRequest: true },
    );
    if (res?.status === 405 && probe.expect.allow) {
      // HEAD (and OPTIONS) come with GET; they may be listed.
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim().toUpperCase()).filter((m) => m && m !== 'HEAD' && m !== 'OPTIONS').sort().join(', ');
      const want = probe.expect.allow.split(', ').sort().join(', ');
      if (allow && allow !== want) ctx.violation('wrong-allow', probe.label, `${probe.method} ${probe.path}`, '405', allow, `Allow: ${allow}; expected ${want}`);
    }
  },
};

// --- Idempotency-Key ------------------------------------------------------------------------

const restIdempotency: FuzzProperty<{ key: string; variant: 'same' | 'other-body' | 'bad-key'; badKey: string }> = {
  name: 'rest.idempotency-key',
  describe: 'POST /v1/migrate twice with one Idempotency-Key: the same answer replayed and one job; another body with that key → 4xx; a malformed key → 422',
  weight: 0.4,
  arbitrary: () =>
    fc.record({
      key: fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/).map((k) => `${k}.${++keySequence}`),
      variant: fc.constantFrom<'same' | 'other-body' | 'bad-key'>('same', 'same', 'other-body', 'bad-key'),
      badKey: fc.oneof(fc.constant('x'.repeat(300)), fc.constant(''), fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 10 }), fc.constant(' ')),
    }),
  async run(ctx, input) {
    const env = ctx.env;
    const headers = { authorization: bearer(env.orgA.full.key), ...JSON_TYPE };
    const body = JSON.stringify({ source: 'resend', credential: env.resendCredential });
    if (input.variant === 'bad-key') {
      await ctx.http({ method: 'POST', path: '/v1/migrate', headers: { ...headers, 'idempotency-key': input.badKey }, body }, { label: 'POST /v1/migrate (malformed Idempotency-Key)', api: 'rest', status: [422], codes: ['validation_error'] });
      return;
    }
    const count = async () => Number((await env.query<{ n: string }>('select count(*) as n from migration_jobs where organization_id = $1', [env.orgA.id]))[0]!.n);
    const before = await count();
    const first = await ctx.http({ method: 'POST', path: '/v1/migrate', headers: { ...headers, 'idempotency-key': input.key }, body }, { label: 'POST /v1/migrate (Idempotency-Key, first)', api: 'rest', status: [201], codes: ['ok'] });
    if (!first || first.status !== 201) return;
    if (input.variant === 'same') {
      const again = await ctx.http({ method: 'POST', path: '/v1/migrate', headers: { ...headers, 'idempotency-key': input.key }, body }, { label: 'POST /v1/migrate (Idempotency-Key, replay)', api: 'rest', status: [201], codes: ['ok'] });
      if (again && (again.json?.id !== first.json?.id || again.headers.get('idempotent-replayed') !== 'true')) {
        ctx.violation('idempotency', 'POST /v1/migrate (Idempotency-Key, replay)', `POST /v1/migrate Idempotency-Key: ${input.key}`, String(again.status), again.text.slice(0, 200), `replay gave job ${again.json?.id} (first ${first.json?.id}), Idempotent-Replayed: ${again.headers.get('idempotent-replayed')}`);
      }
      const after = await count();
      if (after !== before + 1) ctx.violation('idempotency', 'POST /v1/migrate (Idempotency-Key, replay)', `POST /v1/migrate Idempotency-Key: ${input.key}`, '', '', `${after - before} jobs made by two requests with one key`);
    } else {
      const other = JSON.stringify({ source: 'resend', credential: `${env.resendCredential}x` });
      await ctx.http({ method: 'POST', path: '/v1/migrate', headers: { ...headers, 'idempotency-key': input.key }, body: other }, { label: 'POST /v1/migrate (Idempotency-Key reused, other body)', api: 'rest', status: [400, 409, 422], noUpstream: true });
    }
  },
};

export const REST_PROPERTIES: FuzzProperty[] = [restAuth, restReadOnly, restCrossOrg, restIds, restList, restRoutesProperty, restIdempotency];

/** The longest prefix of `value` whose percent-encoding is at most `max` characters (whole code points). */
function fitInUrl(value: string, max: number): string {
  let out = '';
  let length = 0;
  for (const char of value) {
    let encoded = 9; // a lone surrogate is sent as U+FFFD, %EF%BF%BD
    try {
      encoded = encodeURIComponent(char).length;
    } catch {
      // not well-formed: counted as above
    }
    if (length + encoded > max) break;
    out += char;
    length += encoded;
  }
  return out;
}
