/**
 * Properties of the REST shim's request bodies: POST /v1/migrate, approve, cancel and retry with
 * wrong types, unknown fields at every level, hostile credentials, malformed and deep JSON.
 */
import fc from 'fast-check';
import type { FuzzEnv } from './fuzz-env.js';
import { SEEDED_SCAN } from './fuzz-env.js';
import type { FuzzProperty } from './fuzz-harness.js';
import { anyJson, deepJsonText, hostileString, isPlainName, sourceCredential, unknownFieldName, wrongType, type CredentialCase } from './fuzz-arbitraries.js';
import { bearer, JSON_TYPE } from './fuzz-rest.js';

// --- POST /v1/migrate bodies ----------------------------------------------------------------

interface StartBody {
  source: { present: boolean; value: unknown };
  credential: CredentialCase | { absent: true };
  extra: Record<string, unknown>;
  realCredential: boolean;
}

const startBody: fc.Arbitrary<StartBody> = fc.record({
  source: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('resend', 'sendgrid').map((value) => ({ present: true, value })) },
    { weight: 1, arbitrary: fc.constantFrom('mailgun', 'postmark', 'mailchimp', 'RESEND', ' resend ', '', 'resend\u0000').map((value) => ({ present: true, value })) },
    { weight: 1, arbitrary: wrongType('string').map((value) => ({ present: true, value })) },
    { weight: 1, arbitrary: hostileString.map((value) => ({ present: true, value })) },
    { weight: 1, arbitrary: fc.constant({ present: false, value: undefined }) },
  ),
  credential: fc.oneof({ weight: 6, arbitrary: sourceCredential }, { weight: 1, arbitrary: fc.constant({ absent: true as const }) }),
  extra: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(unknownFieldName, anyJson, { minKeys: 1, maxKeys: 2 }) }),
  realCredential: fc.nat({ max: 9 }).map((n) => n < 2),
});

function startExpectation(env: FuzzEnv, body: StartBody): { status: number[]; codes: string[]; names: string[]; credential: unknown; controlChars: boolean } {
  const real = body.source.value === 'resend' ? env.resendCredential : body.source.value === 'sendgrid' ? env.sendgridCredential : undefined;
  const credential = 'absent' in body.credential ? undefined : body.realCredential && real ? real : body.credential.value;
  const controlChars = !('absent' in body.credential) && !body.realCredential && body.credential.controlChars;
  const names = Object.keys(body.extra).filter(isPlainName);
  const invalid = { status: [422], codes: ['validation_error'], names, credential, controlChars };
  if (Object.keys(body.extra).length) return invalid;
  if (!body.source.present || typeof body.source.value !== 'string') return invalid;
  if (typeof credential !== 'string') return invalid;
  const wellFormed = credential.length >= 8 && credential.length <= 4096 && /^[\x21-\x7e]+$/.test(credential);
  if (!wellFormed) return invalid;
  const source = body.source.value.trim();
  if (source === 'resend' || source === 'sendgrid' || source === 'mailgun' || source === 'postmark') {
    const isReal = (source === 'resend' && credential === env.resendCredential) || (source === 'sendgrid' && credential === env.sendgridCredential);
    if (isReal) return { status: [201], codes: ['ok'], names: [], credential, controlChars };
    // The fuzz env's Mailgun and Postmark emulators know none of the fuzzed credentials.
    return { status: [401], codes: [`invalid_${source}_credential`], names: [], credential, controlChars };
  }
  return { status: [422], codes: ['validation_error', 'unsupported_source'], names: [], credential, controlChars };
}

const restStart: FuzzProperty<StartBody> = {
  name: 'rest.start-body',
  describe: 'POST /v1/migrate: wrong types, missing fields, unknown fields, credentials with CR/LF/NUL/unicode/10k chars or as array/object → 422 (CR/LF/NUL without calling the provider), never echoed',
  arbitrary: () => startBody,
  examples: () =>
    (['\r', '\n', '\r\n', '\u0000'] as const).map((c): StartBody => ({
      source: { present: true, value: 'resend' },
      credential: { value: `re_zqsexample00000${c}1`, marker: 'zqsexample00000', wellFormed: false, controlChars: true },
      extra: {},
      realCredential: false,
    })).concat([
      { source: { present: true, value: 'resend' }, credential: { value: ['re_zqsexample00001'], marker: 'zqsexample00001', wellFormed: false, controlChars: false }, extra: {}, realCredential: false },
      { source: { present: true, value: 'resend' }, credential: { value: { key: 're_zqsexample00002' }, marker: 'zqsexample00002', wellFormed: false, controlChars: false }, extra: {}, realCredential: false },
    ]),
  async run(ctx, body) {
    const e = startExpectation(ctx.env, body);
    const payload: Record<string, unknown> = { ...body.extra };
    if (body.source.present) payload.source = body.source.value;
    if (e.credential !== undefined) payload.credential = e.credential;
    const res = await ctx.http(
      { method: 'POST', path: '/v1/migrate', headers: { authorization: bearer(ctx.env.orgA.full.key), ...JSON_TYPE }, body: JSON.stringify(payload) },
      { label: 'POST /v1/migrate', api: 'rest', status: e.status, codes: e.codes, namesInMessage: e.names, noUpstream: e.status[0] === 422, maxMs: e.controlChars ? Number(process.env.FUZZ_REFUSE_MS ?? (process.env.VITEST ? 60_000 : 1500)) : undefined },
    );
    if (res?.status === 201 && typeof res.json?.id !== 'string') ctx.violation('wrong-shape', 'POST /v1/migrate', 'POST /v1/migrate', '201', res.text.slice(0, 200), 'no job id');
  },
};

// --- approve bodies -------------------------------------------------------------------------

interface ApproveBody {
  body: Record<string, unknown> | null;
  /** 'valid': 200; 'invalid': 422; 'either': both defensible. */
  verdict: 'valid' | 'invalid' | 'either';
  names: string[];
}

const domainName = fc.oneof(
  fc.constantFrom(...SEEDED_SCAN.domains.map((d) => d.name)),
  fc.constantFrom(...SEEDED_SCAN.domains.map((d) => d.name.toUpperCase())),
);

const approveBody: fc.Arbitrary<ApproveBody> = fc
  .record({
    options: fc.record(
      {
        domains: fc.uniqueArray(domainName, { maxLength: 2, selector: (d) => d.toLowerCase() }),
        audiences: fc.subarray(SEEDED_SCAN.audiences.map((a) => a.id)),
        contacts: fc.boolean(),
        templates: fc.subarray(SEEDED_SCAN.templates.map((t) => t.id)),
        topics: fc.subarray(SEEDED_SCAN.topics.map((t) => t.id)),
        ignoreSuppressions: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    mutation: fc.constantFrom('none', 'none', 'unknown-option', 'unknown-top', 'top-level-options', 'wrong-type', 'unknown-id', 'hostile-id', 'null-field', 'options-not-object', 'mapping-unknown-field', 'huge-array'),
    unknownKey: unknownFieldName,
    wrongField: fc.constantFrom('domains', 'audiences', 'contacts', 'templates', 'topics', 'ignoreSuppressions', 'customFieldMappings', 'migrateAll'),
    wrongValue: fc.constantFrom('string', 'boolean', 'array', 'object', 'number'),
    hostile: hostileString,
    junk: anyJson,
    wrapEmpty: fc.boolean(),
  })
  .map((g2) => {
      const options: Record<string, unknown> = { ...g2.options };
      const names = isPlainName(g2.unknownKey) ? [g2.unknownKey] : [];
      switch (g2.mutation) {
        case 'none':
          return { body: Object.keys(options).length || g2.wrapEmpty ? { options } : {}, verdict: 'valid' as const, names: [] };
        case 'unknown-option':
          return { body: { options: { ...options, [g2.unknownKey]: g2.junk } }, verdict: 'invalid' as const, names };
        case 'unknown-top':
          return { body: { options, [g2.unknownKey]: g2.junk }, verdict: 'invalid' as const, names };
        case 'top-level-options': {
          // The reported defect: options put at the top level were ignored, importing everything.
          const top = Object.keys(options).length ? options : { domains: ['x'], contacts: false };
          return { body: top, verdict: 'invalid' as const, names: Object.keys(top) };
        }
        case 'wrong-type': {
          const kinds: Record<string, string> = { domains: 'array', audiences: 'array', templates: 'array', topics: 'array', customFieldMappings: 'array', contacts: 'boolean', ignoreSuppressions: 'boolean', migrateAll: 'boolean' };
          const kind = kinds[g2.wrongField]!;
          if (kind === g2.wrongValue) return { body: { options: { ...options, [g2.wrongField]: g2.wrongValue === 'array' ? [g2.junk, 42] : 'yes' } }, verdict: 'invalid' as const, names: [] };
          const value = { string: g2.hostile, boolean: true, array: [g2.hostile], object: { a: g2.hostile }, number: 42 }[g2.wrongValue as 'string'];
          return { body: { options: { ...options, [g2.wrongField]: value } }, verdict: 'invalid' as const, names: [] };
        }
        case 'unknown-id':
          return { body: { options: { ...options, audiences: ['aud_not_in_scan'] } }, verdict: 'invalid' as const, names: [] };
        case 'hostile-id':
          return { body: { options: { ...options, domains: [g2.hostile || 'x'] } }, verdict: 'invalid' as const, names: [] };
        case 'null-field':
          return { body: { options: { ...options, [g2.wrongField]: null } }, verdict: 'either' as const, names: [] };
        case 'options-not-object':
          return { body: { options: [g2.junk] }, verdict: 'invalid' as const, names: [] };
        case 'mapping-unknown-field':
          return {
            body: { options: { ...options, customFieldMappings: [{ sourceFieldId: 'prop_1', fieldName: 'plan', fieldType: 'string', [g2.unknownKey]: 1 }] } },
            verdict: 'invalid' as const,
            names: [],
          };
        default:
          return { body: { options: { ...options, audiences: Array.from({ length: 10_001 }, () => 'aud_1') } }, verdict: 'invalid' as const, names: [] };
      }
  });

const restApprove: FuzzProperty<ApproveBody> = {
  name: 'rest.approve-body',
  describe: 'POST /v1/migrate/:id/approve on a fresh ready_for_review job: selections of the scan → 200; unknown fields at any level (top-level options too), wrong types, ids the scan lacks → 422 naming unknown fields',
  arbitrary: () => approveBody,
  examples: () => [
    { body: { domains: ['x'], contacts: false }, verdict: 'invalid', names: ['domains', 'contacts'] },
    { body: { options: { colour: 'blue' } }, verdict: 'invalid', names: ['colour'] },
    // A near miss: graphql-js would answer "Did you mean "domains"?".
    { body: { options: { domain: ['acme.com'] } }, verdict: 'invalid', names: ['domain'] },
    { body: { options: { customFieldMappings: [{ sourceFieldId: 'prop_1', fieldName: 'plan', fieldType: 'strin' }] } }, verdict: 'invalid', names: [] },
  ],
  async run(ctx, input) {
    const id = await ctx.env.newJob('ready_for_review');
    await ctx.baseline();
    const expect = input.verdict === 'valid' ? { status: [200], codes: ['ok'] } : input.verdict === 'invalid' ? { status: [422], codes: ['validation_error'] } : { status: [200, 422], codes: ['ok', 'validation_error'] };
    const res = await ctx.http(
      { method: 'POST', path: `/v1/migrate/${id}/approve`, headers: { authorization: bearer(ctx.env.orgA.full.key), ...JSON_TYPE }, body: JSON.stringify(input.body) },
      { label: 'POST /v1/migrate/:id/approve', api: 'rest', ...expect, namesInMessage: input.verdict === 'invalid' ? input.names : [] },
    );
    if (res?.status === 200 && res.json?.status !== 'importing') ctx.violation('wrong-shape', 'POST /v1/migrate/:id/approve', `approve ${preview(input.body)}`, '200', res.text.slice(0, 200), 'approved job is not importing');
  },
};

function preview(v: unknown) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

// --- cancel / retry bodies ------------------------------------------------------------------

const restCancelRetry: FuzzProperty<{ action: 'cancel' | 'retry'; body: string | undefined; verdict: 'valid' | 'invalid' }> = {
  name: 'rest.cancel-retry-body',
  describe: 'POST /v1/migrate/:id/cancel|retry on fresh jobs: no body or {} → 200; any field, non-object JSON → 422',
  arbitrary: () =>
    fc.record({
      action: fc.constantFrom<'cancel' | 'retry'>('cancel', 'retry'),
      pick: fc.oneof(
        fc.constantFrom<[string | undefined, 'valid' | 'invalid']>([undefined, 'valid'], ['', 'valid'], ['{}', 'valid'], ['  \n', 'valid'], ['[]', 'invalid'], ['null', 'invalid'], ['"x"', 'invalid'], ['1', 'invalid'], ['true', 'invalid'], ['{"force":true}', 'invalid']),
        fc.tuple(unknownFieldName, anyJson).map(([k, v]) => [JSON.stringify({ [k]: v }), 'invalid'] as [string, 'invalid']),
      ),
    }).map(({ action, pick }) => ({ action, body: pick[0], verdict: pick[1] })),
  async run(ctx, input) {
    const id = await ctx.env.newJob(input.action === 'cancel' ? 'pending' : 'failed');
    await ctx.baseline();
    await ctx.http(
      { method: 'POST', path: `/v1/migrate/${id}/${input.action}`, headers: { authorization: bearer(ctx.env.orgA.full.key), ...(input.body !== undefined ? JSON_TYPE : {}) }, body: input.body },
      // A seeded failed job has no sealed credential: retrying it is a 409 once the body is accepted.
      { label: `POST /v1/migrate/:id/${input.action}`, api: 'rest', ...(input.verdict === 'valid' ? (input.action === 'retry' ? { status: [200, 409], codes: ['ok', 'invalid_status'] } : { status: [200], codes: ['ok'] }) : { status: [422], codes: ['validation_error'] }) },
    );
  },
};

// --- malformed and deep bodies --------------------------------------------------------------

const malformedBodies: fc.Arbitrary<{ body: string | Uint8Array; contentType: string | undefined; what: string }> = fc
  .record({
    kind: fc.constantFrom(
      'truncated', 'trailing-comma', 'single-quotes', 'nan', 'comment', 'deep-array', 'deep-object', 'deep-options', 'deep-credential',
      'invalid-utf8', 'utf16', 'huge', 'number-overflow', 'garbage', 'bare-string', 'array', 'duplicate-deep', 'nul-key', 'long-key',
    ),
    depth: fc.constantFrom(33, 100, 1000, 5000, 20_000),
    garbage: fc.string({ unit: 'binary', maxLength: 40 }),
    contentType: fc.constantFrom<string | undefined>('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', undefined, 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'),
  })
  .map(({ kind, depth, garbage, contentType }) => {
    const body = ((): string | Uint8Array => {
      switch (kind) {
        case 'truncated': return '{"source": "resend", "credential": "re_';
        case 'trailing-comma': return '{"source": "resend",}';
        case 'single-quotes': return "{'source': 'resend'}";
        case 'nan': return '{"source": NaN}';
        case 'comment': return '{"source": "resend" /* c */}';
        case 'deep-array': return deepJsonText(depth, 'array');
        case 'deep-object': return deepJsonText(depth, 'object');
        case 'deep-options': return `{"options": ${deepJsonText(depth, 'object')}}`;
        case 'deep-credential': return `{"source": "resend", "credential": ${deepJsonText(depth, 'array', '"re_x"')}}`;
        case 'invalid-utf8': return Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
        case 'utf16': return Buffer.from('{"source":"resend"}', 'utf16le');
        case 'huge': return `{"source": "resend", "credential": "${'a'.repeat(1_100_000)}"}`;
        case 'number-overflow': return `{"options": {"contacts": 1e400}, "x": ${'9'.repeat(5000)}}`;
        case 'garbage': return garbage.length ? garbage : '\u0000';
        case 'bare-string': return '"resend"';
        case 'array': return '[{"source":"resend"}]';
        case 'duplicate-deep': return `{"options": {"domains": ${deepJsonText(depth, 'array', '"acme.com"')}}}`;
        case 'nul-key': return '{"\\u0000": 1}';
        default: return `{"${'k'.repeat(100_000)}": 1}`;
      }
    })();
    return { body, contentType, what: `${kind}${kind.startsWith('deep') ? ` depth ${depth}` : ''}` };
  })
  .filter((b) => b.what !== 'garbage' || !/^\s*(\{\s*\}|)\s*$/.test(String(b.body)));

const restMalformed: FuzzProperty<{ route: 'start' | 'approve' | 'cancel' | 'retry'; body: { body: string | Uint8Array; contentType: string | undefined; what: string } }> = {
  name: 'rest.malformed-bodies',
  describe: 'malformed JSON, non-object JSON, invalid UTF-8, JSON nested 33–20,000 deep, bodies over 1 MB on every POST route → 422 validation_error (413 when too large, 415 for another media type)',
  arbitrary: () => fc.record({ route: fc.constantFrom<'start' | 'approve' | 'cancel' | 'retry'>('start', 'approve', 'cancel', 'retry'), body: malformedBodies }),
  examples: () =>
    (['start', 'approve', 'cancel', 'retry'] as const).flatMap((route) => [
      { route, body: { body: deepJsonText(5000, 'array'), contentType: 'application/json', what: 'deep-array depth 5000' } },
      { route, body: { body: deepJsonText(5000, 'object'), contentType: 'application/json', what: 'deep-object depth 5000' } },
    ]),
  async run(ctx, input) {
    const { jobs } = ctx.env.orgA;
    const path = { start: '/v1/migrate', approve: `/v1/migrate/${jobs.ready_for_review}/approve`, cancel: `/v1/migrate/${jobs.pending}/cancel`, retry: `/v1/migrate/${jobs.failed}/retry` }[input.route];
    const size = typeof input.body.body === 'string' ? Buffer.byteLength(input.body.body) : input.body.body.length;
    const tooLarge = size > 1_048_576;
    await ctx.http(
      { method: 'POST', path, headers: { authorization: bearer(ctx.env.orgA.full.key), 'content-type': input.body.contentType }, body: input.body.body },
      {
        label: `POST ${input.route === 'start' ? '/v1/migrate' : `/v1/migrate/:id/${input.route}`} (${input.body.what.split(' ')[0]})`,
        api: 'rest',
        status: tooLarge ? [413] : [415, 422],
        codes: tooLarge ? ['payload_too_large'] : ['validation_error', 'unsupported_media_type'],
        noUpstream: true,
      },
    );
  },
};

export const REST_BODY_PROPERTIES: FuzzProperty[] = [restStart, restApprove, restCancelRetry, restMalformed];
