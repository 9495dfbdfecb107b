/**
 * Properties of GraphQL over HTTP (POST and GET) and graphql-ws: every operation of the schema
 * with generated arguments, other organizations' ids, huge and deep documents, malformed
 * transport requests, webhook URLs, introspection.
 */
import fc from 'fast-check';
import { unstorable } from './fuzz-graphql.js';
import type { FuzzEnv } from './fuzz-env.js';
import type { Expectation, FuzzProperty, RunContext } from './fuzz-harness.js';
import { runOnClient } from './fuzz-ws-client.js';
import { badAuthorization, deepJsonText, hostileString } from './fuzz-arbitraries.js';
import {
  EnumLiteral,
  ROOT_OPS,
  buildOperation,
  operationArbitrary,
  oracle,
  refusedWebhookUrl,
  type OperationInput,
  type RootOp,
  type Verdict,
} from './fuzz-graphql.js';

export type Transport = 'post' | 'get' | 'ws';
export type Actor = { kind: 'none' | 'bad' | 'readOnly' | 'full'; authorization?: string; key?: string };

/** Codes an operation that passed validation may get from the resolvers' rules. */
const SEMANTIC_CODES = ['ok', 'validation_error', 'not_found', 'invalid_status', 'unsupported_source', 'invalid_resend_credential', 'invalid_sendgrid_credential', 'invalid_mailgun_credential', 'invalid_postmark_credential', 'bad_request'];
/** Codes of a document or variables graphql-js itself refuses. */
const INVALID_CODES = ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'validation_error', 'bad_request'];
/** Refusals of a document graphql-js accepts: the API's own limits (cost, size). */
const LIMIT_CODES = ['bad_request', 'GRAPHQL_VALIDATION_FAILED'];
/** Documents that must be refused are answered within this (a stall otherwise). */
const REFUSE_MS = Number(process.env.FUZZ_REFUSE_MS ?? (process.env.VITEST ? 60_000 : 1500));
/** GET URLs past this are refused by Node's HTTP parser itself (431), outside the app. */
const MAX_GET_URL = 7000;

export interface GraphqlRequest {
  transport: Transport;
  actor: Actor;
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  accept?: string;
}

/** What the answer must be: from the oracle's verdict, the caller and the operation kind. */
export function graphqlExpectation(
  kind: RootOp['kind'] | 'unknown',
  actor: Actor,
  transport: Transport,
  verdict: Verdict,
  hasNul: boolean,
): { status: number[]; codes: string[] } {
  if (transport === 'get' && kind === 'mutation') return { status: [400, 405], codes: [...INVALID_CODES, 'method_not_allowed'] };
  if (!verdict.valid) return { status: [400], codes: INVALID_CODES };
  const unauth = actor.kind === 'none' || actor.kind === 'bad';
  const forbidden = actor.kind === 'readOnly' && kind === 'mutation';
  if (hasNul) {
    return {
      status: [200, 400, ...(unauth ? [401] : []), ...(forbidden ? [403] : [])],
      codes: ['validation_error', ...LIMIT_CODES, ...(unauth ? ['unauthorized'] : []), ...(forbidden ? ['forbidden'] : [])],
    };
  }
  if (unauth) return { status: [200, 400, 401], codes: ['unauthorized', ...LIMIT_CODES] };
  if (forbidden) return { status: [200, 400, 403], codes: ['forbidden', ...LIMIT_CODES] };
  return { status: [200, 400, 404, 409, 422], codes: [...SEMANTIC_CODES, ...LIMIT_CODES] };
}

/** Sends one GraphQL request over the transport and checks it; resolves with the answer's text and time. */
export async function sendGraphql(ctx: RunContext, req: GraphqlRequest, expect: Omit<Expectation, 'api'>): Promise<{ text: string; ms: number }> {
  const readOnlyRequest = expect.readOnlyRequest ?? false;
  if (req.transport === 'ws') {
    if (!req.actor.key) throw new Error('graphql-ws needs a key');
    const key = req.actor.key;
    const client = ctx.pool.client(key, (code, reason) =>
      ctx.violation(code === 4500 ? 'ws-internal-close' : 'ws-socket-lost', expect.label, 'graphql-ws socket', `ws close ${code}`, reason, `an earlier operation closed the socket (${code} ${reason}); its other operations were lost`),
    );
    const subscription = /^\s*subscription\b/.test(req.query);
    const outcome = await runOnClient(client, { query: req.query, variables: req.variables ?? undefined, operationName: req.operationName ?? undefined }, { timeoutMs: expect.quietUntilChange ? 2000 : 8000, firstResultOnly: subscription });
    ctx.ws(`ws ${abbreviate(req.query)} variables=${abbreviate(JSON.stringify(req.variables ?? null))}`, outcome, { ...expect, api: 'graphql', readOnlyRequest });
    return { text: JSON.stringify(outcome), ms: outcome.ms };
  }
  const headers: Record<string, string | undefined> = { authorization: req.actor.authorization, accept: req.accept };
  if (req.transport === 'get') {
    const params = new URLSearchParams({ query: req.query });
    if (req.variables) params.set('variables', JSON.stringify(req.variables));
    if (req.operationName) params.set('operationName', req.operationName);
    const answer = await ctx.http({ method: 'GET', path: `/graphql?${params}`, headers }, { ...expect, api: 'graphql', readOnlyRequest });
    return { text: answer?.text ?? '', ms: answer?.ms ?? 0 };
  }
  const answer = await ctx.http(
    { method: 'POST', path: '/graphql', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query: req.query, variables: req.variables ?? undefined, operationName: req.operationName ?? undefined }) },
    { ...expect, api: 'graphql', readOnlyRequest },
  );
  return { text: answer?.text ?? '', ms: answer?.ms ?? 0 };
}

function abbreviate(s: string, max = 300) {
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}

function urlLength(query: string, variables: Record<string, unknown>) {
  return new URLSearchParams({ query, variables: JSON.stringify(variables) }).toString().length;
}

function actorFor(env: FuzzEnv, kind: Actor['kind'], bad?: string): Actor {
  if (kind === 'full') return { kind, key: env.orgA.full.key, authorization: `Bearer ${env.orgA.full.key}` };
  if (kind === 'readOnly') return { kind, key: env.orgA.readOnly.key, authorization: `Bearer ${env.orgA.readOnly.key}` };
  return { kind, authorization: kind === 'bad' ? bad : undefined };
}

const ACCEPTS = [undefined, 'application/json', 'application/graphql-response+json', '*/*', 'application/graphql-response+json, application/json;q=0.9'];

/** Runs a generated operation on a transport, with the oracle's expectation. */
async function runOperation(ctx: RunContext, input: OperationInput, actor: Actor, transport: Transport, accept: string | undefined) {
  const built = buildOperation(input.op, input.values);
  let t = transport;
  if (input.op.kind === 'subscription') t = 'ws';
  if (t === 'ws' && !actor.key) t = 'post';
  if (t === 'get' && urlLength(built.query, built.variables) > MAX_GET_URL) t = 'post';
  const verdict = oracle(built.query, built.variables);
  const hasNul = built.strings.some(unstorable);
  const e = graphqlExpectation(input.op.kind, actor, t, verdict, hasNul);
  await sendGraphql(
    ctx,
    { transport: t, actor, query: built.query, variables: Object.keys(built.variables).length ? built.variables : undefined, accept },
    {
      label: `graphql ${t} ${input.op.kind} ${input.op.field}${verdict.valid ? '' : ' (invalid)'}`,
      status: t === 'ws' ? undefined : e.status,
      codes: e.codes,
      mayReturnSecret: input.op.field === 'createApiKey',
      readOnlyRequest: input.op.kind !== 'mutation',
      // Valid and accepted, it waits for the organization's next change.
      quietUntilChange: input.op.field === 'migrationsChanged' && verdict.valid,
    },
  );
}

const nonSubscriptionOps = ROOT_OPS.filter((o) => o.kind !== 'subscription');
const mutationOps = ROOT_OPS.filter((o) => o.kind === 'mutation');

// --- every operation, without a usable key --------------------------------------------------

const graphqlUnauthenticated: FuzzProperty<{ op: OperationInput; authorization: string | undefined; transport: Transport; accept: string | undefined }> = {
  name: 'graphql.no-or-bad-key',
  describe: 'every query and mutation of schema.graphql over POST and GET without a key or with a bad/revoked key → unauthorized (a 400 if the document is invalid)',
  arbitrary: (env) =>
    fc.record({
      op: operationArbitrary(env, nonSubscriptionOps),
      authorization: badAuthorization({ revoked: [env.orgA.revoked.key], valid: [env.orgA.full.key] }),
      transport: fc.constantFrom<Transport>('post', 'post', 'get'),
      accept: fc.constantFrom(...ACCEPTS),
    }),
  async run(ctx, input) {
    const actor: Actor = { kind: input.authorization === undefined ? 'none' : 'bad', authorization: input.authorization };
    await runOperation(ctx, input.op, actor, input.transport, input.accept);
  },
};

// --- mutations with a read_only key ---------------------------------------------------------

const graphqlReadOnly: FuzzProperty<{ op: OperationInput; transport: Transport }> = {
  name: 'graphql.read-only-key-on-mutation',
  describe: 'every mutation with a read_only key, over POST and graphql-ws → forbidden, nothing written',
  arbitrary: (env) => fc.record({ op: operationArbitrary(env, mutationOps), transport: fc.constantFrom<Transport>('post', 'ws') }),
  async run(ctx, input) {
    await runOperation(ctx, input.op, actorFor(ctx.env, 'readOnly'), input.transport, undefined);
  },
};

// --- every operation with generated arguments -----------------------------------------------

const graphqlArguments: FuzzProperty<{ op: OperationInput; actor: 'readOnly' | 'full'; transport: Transport; accept: string | undefined }> = {
  name: 'graphql.arguments',
  describe: 'every operation (queries, mutations, migrationProgress) with generated arguments — wrong JSON types, NUL/controls/unicode/10k strings, unknown input fields, huge ints — inline and as variables, over POST, GET and graphql-ws → the oracle\'s answer: 400 for what graphql-js refuses, validation_error for NUL, the documented codes otherwise',
  weight: 2,
  arbitrary: (env) =>
    fc.record({
      op: operationArbitrary(env, ROOT_OPS, { wrongTypes: true }),
      actor: fc.constantFrom<'readOnly' | 'full'>('readOnly', 'full', 'full'),
      transport: fc.constantFrom<Transport>('post', 'get', 'ws'),
      accept: fc.constantFrom(...ACCEPTS),
    }),
  examples: (env) => {
    // NUL in every string argument of every operation, and an empty contacts cursor.
    const cases: { op: OperationInput; actor: 'full'; transport: Transport; accept: undefined }[] = [];
    for (const op of ROOT_OPS) {
      op.slots.forEach((slot, i) => {
        if (slot.fieldPath.length > 1 || !/String|ID/.test(slot.typeText)) return;
        for (const mode of ['inline', 'variable'] as const) {
          const values = op.slots.map((_s, j) => (j === i ? { mode, value: /\[/.test(slot.typeText) ? ['\u0000'] : 'a\u0000b' } : requiredValue(env, op, j)));
          cases.push({ op: { op, values }, actor: 'full', transport: op.kind === 'subscription' ? 'ws' : 'post', accept: undefined });
        }
      });
    }
    // Near misses that make graphql-js suggest ("Did you mean …?"), in variables and inline.
    const withArgs = (field: string, args: Record<string, { mode: 'inline' | 'variable'; value: unknown }>) => {
      const op = ROOT_OPS.find((o) => o.field === field);
      if (!op) return;
      const values = op.slots.map((s, j) => (s.fieldPath.length === 1 && args[s.argName] ? args[s.argName]! : requiredValue(env, op, j)));
      cases.push({ op: { op, values }, actor: 'full', transport: 'post', accept: undefined });
    };
    withArgs('createApiKey', { scope: { mode: 'variable', value: 'read_onl' } });
    withArgs('createApiKey', { scope: { mode: 'inline', value: new EnumLiteral('full_acces') } });
    const ready = env.orgB.jobs.ready_for_review;
    withArgs('approveMigration', { input: { mode: 'variable', value: { id: ready, domain: ['acme.com'] } } });
    withArgs('approveMigration', { input: { mode: 'inline', value: { id: ready, contact: true } } });
    withArgs('approveMigration', { input: { mode: 'variable', value: { id: ready, customFieldMappings: [{ sourceFieldId: 'p', fieldName: 'plan', fieldType: 'strin' }] } } });
    withArgs('migrations', { first: { mode: 'variable', value: '5' } });
    const contacts = ROOT_OPS.find((o) => o.field === 'contacts');
    if (contacts) {
      const values = contacts.slots.map((s) => (s.argName === 'after' && s.fieldPath.length === 1 ? { mode: 'inline' as const, value: '' } : { omit: true as const }));
      cases.push({ op: { op: contacts, values }, actor: 'full', transport: 'post', accept: undefined });
    }
    return cases;
  },
  async run(ctx, input) {
    await runOperation(ctx, input.op, actorFor(ctx.env, input.actor), input.transport, input.accept);
  },
};

/** A harmless value for a required slot (examples vary one slot at a time). */
function requiredValue(env: FuzzEnv, op: RootOp, index: number) {
  const slot = op.slots[index]!;
  if (!slot.typeText.endsWith('!')) return { omit: true as const };
  if (slot.typeText === 'ApiKeyScope!') return { mode: 'inline' as const, value: new EnumLiteral('read_only') };
  return { mode: 'inline' as const, value: slot.argName === 'id' ? env.orgB.jobs.pending : 'x' };
}

// --- other organization's ids ---------------------------------------------------------------

interface CrossOrgCase {
  label: string;
  query: string;
  variables?: Record<string, unknown>;
  codes: string[];
  kind: RootOp['kind'];
}

function crossOrgCases(env: FuzzEnv): fc.Arbitrary<CrossOrgCase> {
  const b = env.orgB;
  const job = fc.constantFrom(...Object.values(b.jobs));
  const inlineOrVar = (field: string, kind: RootOp['kind'], argType: string, arg: string, value: string, selection: string, codes = ['not_found'], extra = '') =>
    fc.boolean().map((asVariable): CrossOrgCase => ({
      label: `${kind} ${field}(other org's ${arg})`,
      query: asVariable
        ? `${kind} X($v: ${argType}) { ${field}(${arg}: $v${extra}) ${selection} }`
        : `${kind} { ${field}(${arg}: ${JSON.stringify(value)}${extra}) ${selection} }`,
      variables: asVariable ? { v: value } : undefined,
      codes,
      kind,
    }));
  // Mutations take one input object and answer a not-found as a typed error of their result.
  const RESULT = '{ __typename ... on UserError { code message } }';
  const mutationOn = (field: string, value: string) =>
    fc.boolean().map((asVariable): CrossOrgCase => ({
      label: `mutation ${field}(other org's id)`,
      query: asVariable ? `mutation X($v: ID!) { ${field}(input: { id: $v }) ${RESULT} }` : `mutation { ${field}(input: { id: ${JSON.stringify(value)} }) ${RESULT} }`,
      variables: asVariable ? { v: value } : undefined,
      codes: ['not_found'],
      kind: 'mutation',
    }));
  return fc.oneof(
    job.chain((id) => inlineOrVar('migration', 'query', 'ID!', 'id', id, '{ id status }')),
    job.chain((id) => mutationOn('approveMigration', id)),
    job.chain((id) => mutationOn('cancelMigration', id)),
    job.chain((id) => mutationOn('retryMigration', id)),
    job.chain((id) => inlineOrVar('migrations', 'query', 'String', 'after', id, '{ nodes { id } }', ['validation_error'])),
    job.chain((id) => inlineOrVar('node', 'query', 'ID!', 'id', id, '{ id }', ['ok'])),
    job.chain((id) => inlineOrVar('migrationProgress', 'subscription', 'ID!', 'id', id, '{ id status }')),
    mutationOn('revokeApiKey', b.full.id),
    mutationOn('revokeApiKey', b.readOnly.id),
    mutationOn('deleteWebhookEndpoint', b.webhookId),
    inlineOrVar('contacts', 'query', 'ID', 'audienceId', b.audienceId, '{ totalCount nodes { email } }'),
    job.chain((id) => inlineOrVar('contacts', 'query', 'ID', 'migrationId', id, '{ totalCount nodes { email } }')),
    inlineOrVar('contacts', 'query', 'String', 'emailPrefix', b.contactEmail, '{ totalCount nodes { email } }', ['ok']),
    inlineOrVar('contacts', 'query', 'String', 'after', b.contactId, '{ totalCount nodes { email } }', ['validation_error', 'ok'], ', audienceId: null'),
  );
}

const graphqlCrossOrg: FuzzProperty<{ c: CrossOrgCase; transport: Transport }> = {
  name: 'graphql.other-orgs-ids',
  describe: "orgA's full_access key on orgB's jobs, keys, webhook endpoints, audiences and contacts (by id, audience, migration and email prefix), over POST, GET and graphql-ws → not_found (a cursor: validation_error; an email prefix: none of orgB's), nothing written",
  arbitrary: (env) => fc.record({ c: crossOrgCases(env), transport: fc.constantFrom<Transport>('post', 'get', 'ws') }),
  async run(ctx, { c, transport }) {
    const t = c.kind === 'subscription' ? 'ws' : transport === 'get' && c.kind === 'mutation' ? 'post' : transport;
    const actor = actorFor(ctx.env, 'full');
    const label = `graphql ${t} ${c.label}`;
    const { text } = await sendGraphql(ctx, { transport: t, actor, query: c.query, variables: c.variables }, { label, status: t === 'ws' ? undefined : [200, 404], codes: c.codes, readOnlyRequest: c.kind !== 'mutation' });
    // The other organization's data must not come back, whatever the code.
    if (text.includes(ctx.env.orgB.contactEmail)) ctx.violation('cross-org-leak', label, c.query, '', text.slice(0, 300), "orgB's contact in an answer to orgA");
  },
};

// --- huge, deep and malformed documents -----------------------------------------------------

interface DocumentCase {
  what: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** 'refuse': must be a 400; 'either': small enough that the answer may be normal. */
  verdict: 'refuse' | 'either';
  /** Over a parse-time limit (3× or more): refused while parsing, never by a validation rule. */
  parseStage?: boolean;
}

const size = fc.oneof(fc.constantFrom(1, 10, 31, 100, 499, 501, 1000, 2001, 5000), fc.integer({ min: 1, max: 6000 }));

function documentCase(kind: string, n: number, garbage: string): DocumentCase {
  const c = documentCaseOf(kind, n, garbage);
  const overLimit = PARSE_LIMITS[kind];
  return overLimit && n > overLimit * 3 ? { ...c, verdict: 'refuse', parseStage: true } : c;
}

/** The parse-time limit each kind runs into (fields 500, aliases 30, directives 50, depth 10, tokens 2000 by default). */
const PARSE_LIMITS: Record<string, number> = {
  'repeated-field': 500, aliases: 30, directives: 50, 'deep-selection': 10, 'deep-list-literal': 16, 'deep-object-literal': 16,
  'many-arguments': 700, 'many-operations': 700, 'many-fragments': 1000, 'many-variables': 500, 'deep-introspection': 500,
};

function documentCaseOf(kind: string, n: number, garbage: string): DocumentCase {
  const refuse = (limit: number): 'refuse' | 'either' => (n > limit * 3 ? 'refuse' : 'either');
  const range = (count: number) => Array.from({ length: count }, (_, i) => i);
  switch (kind) {
    case 'repeated-field': return { what: `{ viewer { scope ×${n} } }`, query: `{ viewer { ${'scope '.repeat(n)}} }`, verdict: refuse(500) };
    case 'aliases': return { what: `${n} aliases`, query: `{ ${range(n).map((i) => `a${i}: viewer { scope }`).join(' ')} }`, verdict: refuse(30) };
    case 'directives': return { what: `${n} directives`, query: `{ viewer ${'@include(if: true) '.repeat(n)}{ scope } }`, verdict: refuse(50) };
    case 'deep-selection': return { what: `selection ${n} deep`, query: `{ ${'viewer { '.repeat(n)}scope${' }'.repeat(n)} }`, verdict: refuse(10) };
    case 'deep-list-literal': return { what: `list literal ${n} deep`, query: `{ contacts(after: ${'['.repeat(n)}"x"${']'.repeat(n)}) { totalCount } }`, verdict: n > 16 ? 'refuse' : 'either' };
    case 'deep-object-literal': return { what: `object literal ${n} deep`, query: `mutation { approveMigration(id: "mig_x", options: ${'{domains: '.repeat(n)}"x"${'}'.repeat(n)}) { id } }`, verdict: n > 16 ? 'refuse' : 'either' };
    case 'deep-variables': return { what: `variables ${n} deep`, query: 'query Q($a: String) { contacts(after: $a) { totalCount } }', variables: { a: JSON.parse(deepJsonText(Math.min(n, 3000), 'array', '"x"')) }, verdict: 'refuse' };
    case 'many-arguments': return { what: `${n} arguments`, query: `{ viewer(${range(n).map((i) => `a${i}: ${i}`).join(', ')}) { scope } }`, verdict: 'refuse' };
    case 'many-operations': return { what: `${n} operations`, query: range(n).map((i) => `query Q${i} { viewer { scope } }`).join(' '), operationName: 'Q0', verdict: refuse(700) };
    case 'many-fragments': return { what: `${n} fragment spreads`, query: `{ viewer { ...F ${'...F '.repeat(n)}} } fragment F on Viewer { scope }`, verdict: refuse(700) };
    case 'fragment-cycle': return { what: 'fragment cycle', query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }', verdict: 'refuse' };
    case 'long-string': return { what: `string literal of ${n * 100} chars`, query: `{ migration(id: "${'x'.repeat(n * 100)}") { id } }`, verdict: 'either' };
    case 'many-variables': return { what: `${n} variables`, query: `query Q(${range(n).map((i) => `$v${i}: Int`).join(', ')}) { viewer { scope } }`, verdict: refuse(700) };
    case 'unterminated': return { what: 'unterminated', query: ['{ viewer { scope ', '"unterminated', '{ viewer(x: "\\u', '{ viewer { scope } } }', 'query (', '{ ... }', '{ viewer { scope }'][n % 7]!, verdict: 'refuse' };
    case 'nul-literal': return { what: 'NUL in a string literal', query: `{ migration(id: "a\\u0000b") { id } }`, verdict: 'refuse' };
    case 'raw-nul': return { what: 'raw NUL in the document', query: `{ viewer { scope } }\u0000`, verdict: 'refuse' };
    case 'unicode-names': return { what: 'unicode in names', query: '{ viéwer { scope } }', verdict: 'refuse' };
    case 'empty': return { what: 'empty document', query: ['', ' ', '#', '\n\n'][n % 4]!, verdict: 'refuse' };
    case 'near-miss': return {
      what: 'near-miss names',
      query: ['{ viewr { scope } }', '{ viewer { scop } }', '{ migration(idd: "x") { id } }', 'mutation { createApiKey(scope: read_onl) { secret } }', '{ migrations(frist: 1) { endCursor } }', '{ viewer { organisation { id } } }', 'subscription { migrationProgres(id: "x") { id } }'][n % 7]!,
      verdict: 'refuse',
    };
    case 'deep-introspection': return { what: `introspection ${n} deep`, query: `{ __schema { types { ${'fields { type { '.repeat(Math.min(n, 2000))}name${' } }'.repeat(Math.min(n, 2000))} } } }`, verdict: n > 30 ? 'refuse' : 'either' };
    default: return { what: 'garbage', query: garbage, verdict: 'refuse' };
  }
}

const DOCUMENT_KINDS = [
  'repeated-field', 'aliases', 'directives', 'deep-selection', 'deep-list-literal', 'deep-object-literal', 'deep-variables', 'many-arguments', 'many-operations',
  'many-fragments', 'fragment-cycle', 'long-string', 'many-variables', 'unterminated', 'nul-literal', 'raw-nul', 'unicode-names', 'empty', 'deep-introspection', 'garbage',
  'near-miss',
];

/** Codes of a refusal made while parsing (limits, syntax), before any validation rule ran. */
const PARSE_STAGE_CODES = ['bad_request', 'BAD_REQUEST', 'GRAPHQL_PARSE_FAILED', 'payload_too_large'];

/** How long a trivial request takes right now (the machine's current pace). */
async function baselineMs(env: FuzzEnv): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${env.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  await res.text();
  return performance.now() - started;
}

const graphqlDocuments: FuzzProperty<{ doc: DocumentCase; actor: 'none' | 'readOnly'; transport: Transport }> = {
  name: 'graphql.huge-deep-malformed-documents',
  describe: 'documents with thousands of fields/aliases/directives/arguments/operations, selections and list/object literals nested thousands deep, deep variables, fragment cycles, syntax errors, NUL — with and without a key, over POST, GET and graphql-ws → 400 before validation (within 1 s), never a 5xx or a closed socket',
  arbitrary: () =>
    fc.record({
      doc: fc.tuple(fc.constantFrom(...DOCUMENT_KINDS), size, fc.string({ unit: 'binary', maxLength: 60 })).map(([k, n, g]) => documentCase(k, n, g)),
      actor: fc.constantFrom<'none' | 'readOnly'>('none', 'readOnly'),
      transport: fc.constantFrom<Transport>('post', 'get', 'ws'),
    }),
  examples: () => [
    // The reported stall: 30 kB, unauthenticated.
    { doc: documentCase('repeated-field', 5000, ''), actor: 'none', transport: 'post' },
    { doc: documentCase('repeated-field', 5000, ''), actor: 'readOnly', transport: 'ws' },
    { doc: documentCase('deep-list-literal', 5000, ''), actor: 'readOnly', transport: 'post' },
    { doc: documentCase('deep-list-literal', 5000, ''), actor: 'readOnly', transport: 'ws' },
    { doc: documentCase('deep-object-literal', 5000, ''), actor: 'readOnly', transport: 'post' },
    { doc: documentCase('aliases', 3000, ''), actor: 'none', transport: 'post' },
    { doc: documentCase('directives', 3000, ''), actor: 'none', transport: 'post' },
    { doc: documentCase('deep-selection', 5000, ''), actor: 'none', transport: 'post' },
  ],
  async run(ctx, { doc, actor, transport }) {
    const a = actorFor(ctx.env, actor);
    let t: Transport = transport === 'ws' && !a.key ? 'post' : transport;
    if (t === 'get' && urlLength(doc.query, doc.variables ?? {}) > MAX_GET_URL) t = 'post';
    // graphql-js validation of a huge document is slow here too: the oracle only for small ones.
    const verdict: Verdict = doc.verdict === 'refuse' ? { valid: false, reason: 'over the limits' } : oracle(doc.query, doc.variables, doc.operationName);
    const refuse = !verdict.valid;
    const isMutation = /^\s*mutation\b/.test(doc.query);
    const e = refuse ? { status: [400], codes: INVALID_CODES } : graphqlExpectation(isMutation ? 'mutation' : 'query', a, t, verdict, false);
    const label = `graphql ${t} ${doc.what.replace(/\d+/g, 'N')}`;
    const baseline = doc.parseStage && t !== 'ws' ? await baselineMs(ctx.env) : 0;
    const { ms } = await sendGraphql(
      ctx,
      { transport: t, actor: a, query: doc.query, variables: doc.variables, operationName: doc.operationName },
      {
        label,
        status: t === 'ws' ? undefined : refuse ? [400, 413, ...(t === 'get' && isMutation ? [405] : [])] : [...e.status, 400],
        codes: doc.parseStage ? PARSE_STAGE_CODES : refuse ? [...INVALID_CODES, 'payload_too_large'] : [...e.codes, 'bad_request'],
        maxMs: refuse ? REFUSE_MS : undefined,
        readOnlyRequest: !isMutation,
      },
    );
    // Refused at parse time, a huge document costs about what a trivial request does.
    if (!process.env.VITEST && doc.parseStage && baseline && ms > Math.max(300, 20 * baseline)) {
      ctx.violation('slow', label, `${doc.what} (${doc.query.length} chars)`, '', '', `refused in ${Math.round(ms)} ms, ${Math.round(ms / baseline)}× a trivial request (${Math.round(baseline)} ms): not refused while parsing`);
    }
  },
};

// --- malformed HTTP requests to /graphql ----------------------------------------------------

interface TransportCase {
  what: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  contentType?: string;
  status: number[];
}

function transportCases(): fc.Arbitrary<TransportCase> {
  const q = '{ viewer { scope } }';
  const post = (what: string, body: string, status = [400], contentType = 'application/json'): TransportCase => ({ what, method: 'POST', path: '/graphql', body, contentType, status });
  const get = (what: string, params: Record<string, string>, status = [400]): TransportCase => ({ what, method: 'GET', path: `/graphql?${new URLSearchParams(params)}`, status });
  const malformedVariables = fc.oneof(
    fc.constantFrom('{', '[', '{"a":', 'undefined', "{'a':1}", '{"a":1,}', '%00', '\u0000', '{"a": NaN}', deepJsonText(3000, 'array'), deepJsonText(3000, 'object')),
    hostileString.filter((s) => {
      if (!s.trim()) return false; // an empty parameter is no variables at all
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
  );
  return fc.oneof(
    fc.constantFrom(
      post('query is a number', JSON.stringify({ query: 5 })),
      post('query is null', JSON.stringify({ query: null })),
      post('query is an array', JSON.stringify({ query: [q] })),
      post('query is an object', JSON.stringify({ query: { q } })),
      post('no query', JSON.stringify({})),
      post('body is an array (batch)', JSON.stringify([{ query: q }, { query: q }])),
      post('body is a string', JSON.stringify(q)),
      post('body is null', 'null'),
      post('body is a number', '1'),
      post('truncated JSON', '{"query": "{ viewer { scope }'),
      post('variables is a string', JSON.stringify({ query: q, variables: 'x' })),
      post('variables is an array', JSON.stringify({ query: q, variables: [1] })),
      post('variables is a number', JSON.stringify({ query: q, variables: 5 })),
      post('variables nested 5000 deep', `{"query": ${JSON.stringify(q)}, "variables": {"a": ${deepJsonText(5000, 'array')}}}`),
      post('body nested 5000 deep', deepJsonText(5000, 'object')),
      post('operationName is a number', JSON.stringify({ query: q, operationName: 5 })),
      post('operationName is an object', JSON.stringify({ query: q, operationName: {} })),
      post('operationName unknown', JSON.stringify({ query: q, operationName: 'Nope' })),
      post('extensions is a number', JSON.stringify({ query: q, extensions: 1 })),
      post('extensions nested 5000 deep', `{"query": ${JSON.stringify(q)}, "extensions": ${deepJsonText(5000, 'object')}}`, [200, 400]),
      post('text/plain body', JSON.stringify({ query: q }), [400, 415], 'text/plain'),
      post('form body', `query=${encodeURIComponent(q)}`, [200, 400, 401, 415], 'application/x-www-form-urlencoded'),
      post('application/graphql body', q, [200, 400, 401, 415], 'application/graphql'),
      post('no content type', JSON.stringify({ query: q }), [400, 415], ''),
      post('invalid UTF-8', '{"query": "{ viewer { scope } }\udc80"}'),
      post('mutation in a GET-only shape', JSON.stringify({ query: 'mutation { createApiKey(scope: read_only) { secret } }' }), [200, 400, 401]),
      get('no query', {}),
      get('empty query', { query: '' }),
      get('mutation over GET', { query: 'mutation { createApiKey(scope: read_only) { secret } }' }, [405]),
      // An unknown job: refused however the subscription is carried (unauthorized, not_found, 405/406).
      get('subscription over GET', { query: 'subscription { migrationProgress(id: "x") { id } }' }, [200, 400, 405, 406]),
      get('operationName unknown', { query: q, operationName: 'Nope' }),
      get('extensions malformed', { query: q, extensions: '{' }),
      get('query with NUL', { query: `${q}\u0000` }),
    ),
    malformedVariables.map((variables) => get(`malformed variables`, { query: 'query Q($a: String) { contacts(after: $a) { totalCount } }', variables })),
    malformedVariables.map((extensions) => get(`malformed extensions`, { query: q, extensions })),
  );
}

const graphqlTransport: FuzzProperty<{ c: TransportCase; key: 'none' | 'readOnly' }> = {
  name: 'graphql.malformed-http-requests',
  describe: 'POST /graphql with wrong JSON types for query/variables/operationName/extensions, batches, deep nesting, other media types; GET /graphql with malformed variables/extensions, mutations → 400 (405 for GET mutations, 415 for media types), never a 5xx',
  arbitrary: () => fc.record({ c: transportCases(), key: fc.constantFrom<'none' | 'readOnly'>('none', 'readOnly') }),
  examples: () => [{ c: { what: 'malformed variables', method: 'GET', path: `/graphql?${new URLSearchParams({ query: '{ viewer { scope } }', variables: '{' })}`, status: [400] }, key: 'readOnly' }],
  async run(ctx, { c, key }) {
    if (c.method === 'GET' && c.path.length > MAX_GET_URL) return;
    const authorization = key === 'readOnly' ? `Bearer ${ctx.env.orgA.readOnly.key}` : undefined;
    const status = key === 'none' ? [...c.status, 401].filter((s, i, a) => a.indexOf(s) === i) : c.status;
    await ctx.http(
      { method: c.method, path: c.path, headers: { authorization, ...(c.contentType ? { 'content-type': c.contentType } : {}) }, body: c.body },
      { label: `${c.method} /graphql (${c.what})`, api: 'graphql', status, codes: status.includes(200) ? [...INVALID_CODES, 'ok', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed', 'unsupported_media_type', '(none)'] : [...INVALID_CODES, 'method_not_allowed', 'unsupported_media_type', 'unauthorized', '(none)'] },
    );
  },
};

// --- webhook URLs ---------------------------------------------------------------------------

const graphqlWebhookUrls: FuzzProperty<{ url: string; transport: Transport; asVariable: boolean; events: string[] }> = {
  name: 'graphql.webhook-url-guard',
  describe: 'createWebhookEndpoint with loopback, private, link-local, IPv4-in-IPv6 (http://[::127.0.0.1]/), numeric and port-0 URLs → validation_error, nothing stored',
  arbitrary: () =>
    fc.record({
      url: refusedWebhookUrl,
      transport: fc.constantFrom<Transport>('post', 'ws'),
      asVariable: fc.boolean(),
      events: fc.constantFrom(['migration_completed'], ['migration_failed', 'migration_scan_completed']),
    }),
  examples: () => [
    { url: 'http://[::127.0.0.1]/', transport: 'post', asVariable: false, events: ['migration_completed'] },
    { url: 'https://93.184.215.14:0/', transport: 'post', asVariable: false, events: ['migration_completed'] },
    { url: 'http://[::ffff:127.0.0.1]/', transport: 'post', asVariable: true, events: ['migration_completed'] },
  ],
  async run(ctx, input) {
    const query = input.asVariable
      ? 'mutation W($url: String!, $events: [WebhookEvent!]!) { createWebhookEndpoint(input: { url: $url, events: $events }) { __typename ... on CreateWebhookEndpointPayload { endpoint { id url } } ... on UserError { code message } } }'
      : `mutation { createWebhookEndpoint(input: { url: ${JSON.stringify(input.url)}, events: [${input.events.join(', ')}] }) { __typename ... on CreateWebhookEndpointPayload { endpoint { id url } } ... on UserError { code message } } }`;
    const hasNul = unstorable(input.url);
    await sendGraphql(
      ctx,
      { transport: input.transport, actor: actorFor(ctx.env, 'full'), query, variables: input.asVariable ? { url: input.url, events: input.events } : undefined },
      { label: `graphql ${input.transport} createWebhookEndpoint(refused url)`, status: input.transport === 'ws' ? undefined : hasNul ? [200, 400] : [200, 422], codes: ['validation_error', ...(hasNul ? ['bad_request'] : [])] },
    );
  },
};

// --- introspection --------------------------------------------------------------------------

const INTROSPECTION_QUERIES = [
  '{ __schema { queryType { name } } }',
  '{ __type(name: "Query") { name fields { name } } }',
  '{ s: __schema { types { name } } }',
  'query { ...F } fragment F on Query { __schema { mutationType { name } } }',
  'query { ... on Query { __schema { types { name } } } }',
  'query IntrospectionQuery { __schema { directives { name } } }',
];

const graphqlIntrospection: FuzzProperty<{ query: string; authorization: string | undefined; transport: 'post' | 'get' }> = {
  name: 'graphql.introspection-without-key',
  describe: 'introspection (__schema, __type, through aliases and fragments) without a key or with a bad key in production → refused, no schema in the answer',
  weight: 0.5,
  arbitrary: (env) =>
    fc.record({
      query: fc.constantFrom(...INTROSPECTION_QUERIES),
      authorization: badAuthorization({ revoked: [env.orgA.revoked.key], valid: [env.orgA.full.key] }),
      transport: fc.constantFrom<'post' | 'get'>('post', 'get'),
    }),
  async run(ctx, input) {
    const actor: Actor = { kind: input.authorization === undefined ? 'none' : 'bad', authorization: input.authorization };
    await sendGraphql(ctx, { transport: input.transport, actor, query: input.query }, { label: `graphql ${input.transport} introspection without a key`, status: [200, 400, 401], codes: ['unauthorized', 'bad_request', 'GRAPHQL_VALIDATION_FAILED'], readOnlyRequest: true });
  },
};

export const GRAPHQL_PROPERTIES: FuzzProperty[] = [
  graphqlUnauthenticated,
  graphqlReadOnly,
  graphqlArguments,
  graphqlCrossOrg,
  graphqlDocuments,
  graphqlTransport,
  graphqlWebhookUrls,
  graphqlIntrospection,
];
