import { SLOW_MS } from './fuzz-harness.js';
/**
 * Properties of graphql-ws on /graphql: connection_init payloads, one socket carrying bad and good
 * operations next to a live subscription, protocol abuse and oversized frames, key revocation.
 */
import fc from 'fast-check';
import { unstorable } from './fuzz-graphql.js';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { FuzzEnv } from './fuzz-env.js';
import type { FuzzProperty, RunContext, WsOutcome } from './fuzz-harness.js';
import { rawSocket, runOnClient, type RawSocket } from './fuzz-ws-client.js';
import { badConnectionParams, deepJsonText, MARKER_PATTERN } from './fuzz-arbitraries.js';
import { ROOT_OPS, buildOperation, operationArbitrary, oracle, type OperationInput } from './fuzz-graphql.js';
import { graphqlExpectation, type Actor } from './fuzz-graphql-properties.js';

const UNAUTHORIZED_CLOSES = [4401, 4400, 4403];

function keyOf(env: FuzzEnv, kind: 'full' | 'readOnly') {
  return kind === 'full' ? env.orgA.full.key : env.orgA.readOnly.key;
}

async function initRaw(env: FuzzEnv, payload: unknown): Promise<{ socket: RawSocket; acked: boolean }> {
  const socket = await rawSocket(env);
  socket.send(JSON.stringify(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload }));
  const ack = await socket.next((m) => m?.type === 'connection_ack', 3000);
  return { socket, acked: ack !== undefined };
}

function closedWithin(socket: RawSocket, ms: number): Promise<{ code: number; reason: string } | undefined> {
  return Promise.race([socket.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
}

function checkEcho(ctx: RunContext, label: string, text: string) {
  const m = MARKER_PATTERN.exec(text);
  if (m) ctx.violation('secret-echo', label, 'graphql-ws', '', text.slice(0, 300), `echoes the credential sent (${m[0]})`);
  for (const secret of ctx.env.secrets) if (text.includes(secret)) ctx.violation('secret-echo', label, 'graphql-ws', '', '', 'holds an API key secret');
}

// --- connection_init ------------------------------------------------------------------------

const wsConnectionInit: FuzzProperty<{ params: unknown; valid: false } | { valid: true; kind: 'full' | 'readOnly'; field: 'authorization' | 'apiKey' }> = {
  name: 'ws.connection-init',
  describe: 'connection_init without a key, with unknown/revoked keys, keys holding CR/LF/NUL, keys as arrays/objects/numbers → closed 4401 (4400 for a malformed payload), never acknowledged, never echoed; a valid key is acknowledged',
  arbitrary: (env) =>
    fc.oneof(
      { weight: 6, arbitrary: badConnectionParams({ revoked: [env.orgA.revoked.key], valid: [env.orgA.full.key, env.orgA.readOnly.key] }).map((params) => ({ params, valid: false as const })) },
      { weight: 1, arbitrary: fc.record({ valid: fc.constant(true as const), kind: fc.constantFrom<'full' | 'readOnly'>('full', 'readOnly'), field: fc.constantFrom<'authorization' | 'apiKey'>('authorization', 'apiKey') }) },
    ),
  examples: (env) => [
    { params: undefined, valid: false },
    { params: { apiKey: `${env.orgA.full.key}\u0000` }, valid: false },
    { params: { apiKey: [env.orgA.full.key] }, valid: false },
    { params: { authorization: { bearer: env.orgA.full.key } }, valid: false },
    { params: { apiKey: env.orgA.revoked.key }, valid: false },
  ],
  async run(ctx, input) {
    const label = input.valid ? 'ws connection_init (valid key)' : 'ws connection_init (no usable key)';
    const payload = input.valid
      ? input.field === 'apiKey' ? { apiKey: keyOf(ctx.env, input.kind) } : { authorization: `Bearer ${keyOf(ctx.env, input.kind)}` }
      : input.params;
    const started = performance.now();
    const { socket, acked } = await initRaw(ctx.env, payload);
    try {
      const closed = acked ? undefined : await closedWithin(socket, 3000);
      const outcome: WsOutcome = { results: socket.messages, completed: false, timedOut: false, ms: performance.now() - started, closeCode: closed?.code, closeReason: closed?.reason };
      ctx.count(acked ? 'ws ack' : closed ? `ws close ${closed.code}` : 'ws open');
      checkEcho(ctx, label, JSON.stringify(socket.messages) + (closed?.reason ?? ''));
      const describe = `connection_init ${JSON.stringify(payload)?.slice(0, 200)}`;
      if (input.valid) {
        if (!acked) ctx.violation('ws-refused-valid-key', label, describe, closed ? `ws close ${closed.code}` : 'ws open', closed?.reason ?? '', 'a valid key was not acknowledged');
        return;
      }
      if (acked) ctx.violation('ws-accepted-bad-key', label, describe, 'ws ack', '', 'connection acknowledged without a usable key');
      else if (!closed) ctx.violation('ws-not-closed', label, describe, 'ws open', '', 'socket left open 3 s after a refused connection_init');
      else if (!UNAUTHORIZED_CLOSES.includes(closed.code)) ctx.violation(closed.code === 4500 || closed.code === 1011 ? 'ws-internal-close' : 'ws-wrong-close', label, describe, `ws close ${closed.code}`, closed.reason, `expected ${UNAUTHORIZED_CLOSES.join('|')}`);
      void outcome;
    } finally {
      await socket.close();
    }
  },
};

// --- one socket: bad operations next to good ones -------------------------------------------

type WsOp = { kind: 'operation'; op: OperationInput } | { kind: 'document'; query: string; variables?: Record<string, unknown>; what: string };

const badDocuments: fc.Arbitrary<WsOp> = fc.constantFrom<WsOp>(
  { kind: 'document', what: 'deep list literal', query: `{ contacts(after: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { totalCount } }` },
  { kind: 'document', what: 'deep selection', query: `{ ${'viewer { '.repeat(3000)}scope${' }'.repeat(3000)} }` },
  { kind: 'document', what: '5000 repeated fields', query: `{ viewer { ${'scope '.repeat(5000)}} }` },
  { kind: 'document', what: 'syntax error', query: '{ viewer { scope ' },
  { kind: 'document', what: 'NUL literal', query: '{ migration(id: "a\\u0000b") { id } }' },
  { kind: 'document', what: 'unknown field', query: '{ nope }' },
  { kind: 'document', what: 'variables nested deep', query: 'query Q($a: String) { contacts(after: $a) { totalCount } }', variables: { a: JSON.parse(deepJsonText(3000, 'array', '"x"')) } },
  { kind: 'document', what: 'variables of the wrong type', query: 'query Q($a: Int) { migrations(first: $a) { endCursor } }', variables: { a: { $ne: 1 } } },
  { kind: 'document', what: 'NUL variable', query: 'query Q($id: ID!) { migration(id: $id) { id } }', variables: { id: 'mig_\u0000' } },
  { kind: 'document', what: 'subscription to an unknown job', query: 'subscription { migrationProgress(id: "mig_nope") { id } }' },
  { kind: 'document', what: 'two subscription fields', query: 'subscription { a: migrationProgress(id: "x") { id } b: migrationProgress(id: "y") { id } }' },
);

const wsOperations: FuzzProperty<{ key: 'full' | 'readOnly'; ops: WsOp[] }> = {
  name: 'ws.bad-operations-keep-the-socket',
  describe: 'on one graphql-ws socket with a live migrationProgress subscription: generated operations (wrong types, NUL, deep literals, syntax errors, unknown fields, huge documents) each get an error; the socket (no 4500) and the live subscription survive and a good query still answers',
  weight: 0.6,
  arbitrary: (env) =>
    fc.record({
      key: fc.constantFrom<'full' | 'readOnly'>('full', 'readOnly'),
      ops: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: operationArbitrary(env, ROOT_OPS, { wrongTypes: true }).map((op): WsOp => ({ kind: 'operation', op })) },
          { weight: 2, arbitrary: badDocuments },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  examples: () => [
    { key: 'readOnly', ops: [{ kind: 'document', what: 'deep list literal', query: `{ contacts(after: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { totalCount } }` }] },
    { key: 'readOnly', ops: [{ kind: 'document', what: 'NUL variable', query: 'query Q($id: ID!) { migration(id: $id) { id } }', variables: { id: 'mig_\u0000' } }] },
  ],
  async run(ctx, input) {
    const env = ctx.env;
    const key = keyOf(env, input.key);
    const actor: Actor = { kind: input.key, key, authorization: `Bearer ${key}` };
    const client = ctx.pool.client(key, (code, reason) =>
      ctx.violation(code === 4500 ? 'ws-internal-close' : 'ws-socket-lost', 'ws socket', 'graphql-ws socket', `ws close ${code}`, reason, `the socket closed (${code} ${reason}) during an earlier run; its subscriptions were lost`),
    );
    // The live subscription every bad operation must leave alone.
    const live = { results: 0, ended: '' };
    let resolveFirst = () => {};
    const first = new Promise<void>((r) => (resolveFirst = r));
    const stopLive = client.subscribe(
      { query: `subscription { migrationProgress(id: "${env.orgA.jobs.pending}") { id status } }` },
      {
        next: () => {
          live.results++;
          resolveFirst();
        },
        error: (err: unknown) => {
          live.ended = `error ${JSON.stringify(err && typeof err === 'object' && 'code' in err ? { code: (err as { code: unknown }).code, reason: (err as { reason?: unknown }).reason } : err)?.slice(0, 200)}`;
          resolveFirst();
        },
        complete: () => {
          live.ended = 'complete';
          resolveFirst();
        },
      },
    );
    try {
      await Promise.race([first, new Promise((r) => setTimeout(r, 3000))]);
      if (!live.results) {
        ctx.violation('ws-no-initial-state', 'ws live subscription', 'subscription migrationProgress(pending job)', '', live.ended, 'the subscription gave no current state within 3 s');
        return;
      }
      for (const op of input.ops) {
        if (op.kind === 'operation') {
          const built = buildOperation(op.op.op, op.op.values);
          const verdict = oracle(built.query, built.variables);
          const e = graphqlExpectation(op.op.op.kind, actor, 'ws', verdict, built.strings.some(unstorable));
          // Valid and accepted, migrationsChanged waits for the organization's next change.
          const quietUntilChange = op.op.op.field === 'migrationsChanged' && verdict.valid;
          const outcome = await runOnClient(client, { query: built.query, variables: Object.keys(built.variables).length ? built.variables : undefined }, { timeoutMs: quietUntilChange ? 2000 : 8000, firstResultOnly: op.op.op.kind === 'subscription' });
          ctx.ws(`ws ${built.query.slice(0, 300)} variables=${JSON.stringify(built.variables).slice(0, 200)}`, outcome, { label: `ws ${op.op.op.kind} ${op.op.op.field}${verdict.valid ? '' : ' (invalid)'}`, api: 'graphql', codes: e.codes, mayReturnSecret: op.op.op.field === 'createApiKey', readOnlyRequest: op.op.op.kind !== 'mutation', quietUntilChange });
        } else {
          const outcome = await runOnClient(client, { query: op.query, variables: op.variables }, { timeoutMs: 8000, firstResultOnly: /^\s*subscription\b/.test(op.query) });
          const invalid = op.what !== 'subscription to an unknown job';
          ctx.ws(`ws ${op.what}`, outcome, { label: `ws ${op.what}`, api: 'graphql', codes: invalid ? ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT', 'validation_error', 'bad_request'] : ['not_found'], readOnlyRequest: true, maxMs: 1000 });
        }
      }
      const lost = ctx.pool.closedOf(key);
      if (lost) {
        ctx.violation(lost.code === 4500 ? 'ws-internal-close' : 'ws-socket-lost', 'ws socket', `after ${input.ops.map((o) => (o.kind === 'document' ? o.what : o.op.op.field)).join(', ')}`, `ws close ${lost.code}`, lost.reason, 'a bad operation closed the whole socket');
        return;
      }
      if (live.ended) ctx.violation('ws-subscription-lost', 'ws live subscription', `after ${input.ops.map((o) => (o.kind === 'document' ? o.what : o.op.op.field)).join(', ')}`, '', live.ended, 'the live subscription ended because of other operations');
      const health = await runOnClient(client, { query: '{ viewer { scope } }' }, { timeoutMs: 5000 });
      const scope = (health.results[0]?.data as { viewer?: { scope?: string } } | undefined)?.viewer?.scope;
      ctx.count('ws health');
      if (scope !== (input.key === 'full' ? 'full_access' : 'read_only')) ctx.violation('ws-socket-unusable', 'ws health query', '{ viewer { scope } }', '', JSON.stringify(health).slice(0, 300), 'a good query on the same socket failed afterwards');
    } finally {
      stopLive();
    }
  },
};

// --- protocol abuse and oversized frames ----------------------------------------------------

interface ProtocolCase {
  what: string;
  frames: (string | Buffer)[];
  /** 'close': the socket must close with one of `codes`; 'answer': an answer to id `probe` and the socket stays; 'either': one of both. */
  expect: { kind: 'close'; codes: number[] } | { kind: 'answer'; id: string } | { kind: 'either'; id: string; codes: number[] };
}

const subscribe = (id: string, payload: unknown) => JSON.stringify({ type: 'subscribe', id, payload });

function protocolCases(env: FuzzEnv): fc.Arbitrary<ProtocolCase> {
  const pending = env.orgA.jobs.pending;
  const closeOn = (what: string, frames: (string | Buffer)[], codes = [4400]): ProtocolCase => ({ what, frames, expect: { kind: 'close', codes } });
  const answer = (what: string, frames: (string | Buffer)[], id = 'p'): ProtocolCase => ({ what, frames, expect: { kind: 'answer', id } });
  return fc.oneof(
    fc.constantFrom(
      closeOn('not JSON', ['hello']),
      closeOn('JSON without type', ['{}']),
      closeOn('unknown type', [JSON.stringify({ type: 'nope', id: 'x' })]),
      closeOn('subscribe without id', [JSON.stringify({ type: 'subscribe', payload: { query: '{ viewer { scope } }' } })]),
      closeOn('subscribe without payload', [JSON.stringify({ type: 'subscribe', id: 'x' })]),
      closeOn('query is a number', [subscribe('x', { query: 5 })]),
      closeOn('query is an array', [subscribe('x', { query: ['{ viewer { scope } }'] })]),
      closeOn('id is a number', [JSON.stringify({ type: 'subscribe', id: 5, payload: { query: '{ viewer { scope } }' } })]),
      closeOn('client sends next', [JSON.stringify({ type: 'next', id: 'x', payload: {} })]),
      closeOn('second connection_init', [JSON.stringify({ type: 'connection_init', payload: { apiKey: env.orgA.full.key } })], [4429]),
      closeOn('duplicate subscription id', [subscribe('dup', { query: `subscription { migrationProgress(id: "${pending}") { id } }` }), subscribe('dup', { query: `subscription { migrationProgress(id: "${pending}") { id } }` })], [4409]),
      closeOn('binary garbage', [Buffer.from([0xff, 0x00, 0xfe, 0x01])], [4400, 1007]),
      closeOn('frame over 1 MB', [subscribe('big', { query: '{ viewer { scope } }', variables: { pad: 'x'.repeat(1_200_000) } })], [1009, 4413, 4400]),
      closeOn('frame of 5 MB', [subscribe('big', { query: `{ viewer { scope } } #${'x'.repeat(5_000_000)}` })], [1009, 4413, 4400]),
      // The protocol says variables is an object: closing 4400 is as right as answering with an error.
      { what: 'variables is a string', frames: [subscribe('p', { query: '{ viewer { scope } }', variables: 'x' })], expect: { kind: 'either', id: 'p', codes: [4400] } },
      { what: 'variables is an array', frames: [subscribe('p', { query: '{ viewer { scope } }', variables: [1] })], expect: { kind: 'either', id: 'p', codes: [4400] } },
      closeOn('operationName is a number', [subscribe('p', { query: '{ viewer { scope } }', operationName: 5 })]),
      answer('frame just under 1 MB', [subscribe('p', { query: '{ viewer { scope } }', variables: { pad: 'x'.repeat(900_000) } })]),
      answer('huge id', [subscribe(`p${'x'.repeat(10_000)}`, { query: '{ viewer { scope } }' }), subscribe('p', { query: '{ viewer { scope } }' })]),
      answer('complete of an unknown id', [JSON.stringify({ type: 'complete', id: 'unknown' }), subscribe('p', { query: '{ viewer { scope } }' })]),
      answer('ping', [JSON.stringify({ type: 'ping' }), subscribe('p', { query: '{ viewer { scope } }' })]),
      answer('extensions nested deep', [subscribe('p', { query: '{ viewer { scope } }', extensions: JSON.parse(deepJsonText(3000, 'object')) })]),
      answer('deep list literal', [subscribe('p', { query: `{ contacts(after: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { totalCount } }` })]),
      answer('many subscriptions then a query', [...Array.from({ length: 20 }, (_, i) => subscribe(`s${i}`, { query: `subscription { migrationProgress(id: "${pending}") { id } }` })), subscribe('p', { query: '{ viewer { scope } }' })]),
    ),
  );
}

const wsProtocol: FuzzProperty<ProtocolCase> = {
  name: 'ws.protocol-abuse',
  describe: 'malformed graphql-transport-ws messages → closed 4400 (4409 duplicate id, 4429 second init), frames over 1 MB → closed 1009; operation-level faults (bad variables, deep literals, huge ids) → an answer on a socket that stays open; never 4500/1011, and the server still accepts sockets',
  weight: 0.5,
  arbitrary: (env) => protocolCases(env),
  async run(ctx, input) {
    const { socket, acked } = await initRaw(ctx.env, { apiKey: ctx.env.orgA.full.key });
    const label = `ws ${input.what}`;
    try {
      if (!acked) {
        ctx.violation('ws-refused-valid-key', label, 'connection_init', '', '', 'a valid key was not acknowledged');
        return;
      }
      const started = performance.now();
      for (const frame of input.frames) socket.send(frame);
      if (input.expect.kind === 'close') {
        const closed = await closedWithin(socket, 4000);
        ctx.count(closed ? `ws close ${closed.code}` : 'ws open');
        if (!closed) ctx.violation('ws-not-closed', label, input.what, 'ws open', JSON.stringify(socket.messages).slice(0, 300), `expected close ${input.expect.codes.join('|')}`);
        else if (!input.expect.codes.includes(closed.code)) ctx.violation(closed.code === 4500 || closed.code === 1011 ? 'ws-internal-close' : 'ws-wrong-close', label, input.what, `ws close ${closed.code}`, closed.reason, `expected ${input.expect.codes.join('|')}`);
      } else {
        const id = input.expect.id;
        const reply = await socket.next((m) => m?.id === id && (m.type === 'next' || m.type === 'error'), 8000);
        const closed = await closedWithin(socket, 200);
        ctx.count(closed ? `ws close ${closed.code}` : reply ? `ws ${reply.type}` : 'ws no answer');
        const ms = performance.now() - started;
        if (closed && input.expect.kind === 'either' && input.expect.codes.includes(closed.code)) {
          // a protocol-level refusal, as allowed
        } else if (closed) ctx.violation(closed.code === 4500 || closed.code === 1011 ? 'ws-internal-close' : 'ws-socket-lost', label, input.what, `ws close ${closed.code}`, closed.reason, 'one operation closed the whole socket');
        else if (!reply) ctx.violation('ws-no-answer', label, input.what, '', JSON.stringify(socket.messages).slice(0, 300), 'no next/error for the operation within 8 s');
        else if (ms > SLOW_MS) ctx.violation('slow', label, input.what, `ws ${reply.type}`, '', `answered in ${Math.round(ms)} ms`);
        const text = JSON.stringify(socket.messages);
        if (/internal_error|INTERNAL_SERVER_ERROR|Unexpected error\./.test(text)) ctx.violation('internal-error', label, input.what, '', text.slice(0, 300), 'the answer names an internal error');
      }
      checkEcho(ctx, label, JSON.stringify(socket.messages));
    } finally {
      await socket.close();
    }
    // Whatever happened to that socket, the server takes new ones.
    const probe = await initRaw(ctx.env, { apiKey: ctx.env.orgA.readOnly.key });
    if (!probe.acked) ctx.violation('ws-server-unusable', label, 'a new socket afterwards', '', '', 'a new socket with a valid key was not acknowledged');
    await probe.socket.close();
  },
};

// --- revocation -----------------------------------------------------------------------------

const wsRevocation: FuzzProperty<{ scope: 'full_access' | 'read_only'; subscriptions: number; field: 'authorization' | 'apiKey'; opsBefore: number }> = {
  name: 'ws.revoked-key',
  describe: 'a key revoked while its graphql-ws socket is open: its sockets close (4401/4403) or every later operation is refused; live subscriptions end; HTTP refuses it (401)',
  weight: 0.25,
  arbitrary: () =>
    fc.record({
      scope: fc.constantFrom<'full_access' | 'read_only'>('full_access', 'read_only'),
      subscriptions: fc.integer({ min: 0, max: 3 }),
      field: fc.constantFrom<'authorization' | 'apiKey'>('authorization', 'apiKey'),
      opsBefore: fc.integer({ min: 0, max: 2 }),
    }),
  examples: () => [{ scope: 'read_only', subscriptions: 1, field: 'authorization', opsBefore: 1 }],
  async run(ctx, input) {
    const env = ctx.env;
    const doomed = await env.newKey(input.scope);
    ctx.wrote();
    let closed: { code: number; reason: string } | undefined;
    const client: Client = createClient({
      url: `${env.apiUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: input.field === 'apiKey' ? { apiKey: doomed.key } : { authorization: `Bearer ${doomed.key}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
    });
    client.on('closed', (e) => {
      const ev = e as { code?: number; reason?: string };
      closed = { code: ev.code ?? 0, reason: String(ev.reason ?? '') };
    });
    const label = 'ws operation after revocation';
    try {
      for (let i = 0; i < input.opsBefore + 1; i++) {
        const ok = await runOnClient(client, { query: '{ viewer { scope } }' });
        ctx.count('ws before revocation');
        if (!(ok.results[0]?.data as { viewer?: unknown } | undefined)?.viewer) {
          ctx.violation('ws-refused-valid-key', 'ws before revocation', '{ viewer { scope } }', '', JSON.stringify(ok).slice(0, 300), 'the key did not work before it was revoked');
          return;
        }
      }
      const subs = Array.from({ length: input.subscriptions }, () => {
        const state = { got: 0, ended: false };
        const stop = client.subscribe(
          { query: `subscription { migrationProgress(id: "${env.orgA.jobs.pending}") { id status } }` },
          { next: () => void state.got++, error: () => void (state.ended = true), complete: () => void (state.ended = true) },
        );
        return { state, stop };
      });
      // Every subscription has its current state before the key is revoked.
      const subscribedBy = Date.now() + 3000;
      while (Date.now() < subscribedBy && subs.some((s) => !s.state.got && !s.state.ended)) await new Promise((r) => setTimeout(r, 20));
      const revoked = await ctx.http(
        {
          method: 'POST',
          path: '/graphql',
          headers: { authorization: `Bearer ${env.orgA.full.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'mutation R($id: ID!) { revokeApiKey(input: { id: $id }) { __typename } }', variables: { id: doomed.id } }),
        },
        { label: 'revokeApiKey', api: 'graphql', status: [200], codes: ['ok'] },
      );
      if (revoked?.json?.data?.revokeApiKey?.__typename !== 'RevokeApiKeyPayload') return;
      // Give the revocation a moment to reach the socket (NOTIFY), then try the key again.
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && !closed && subs.some((s) => !s.state.ended)) await new Promise((r) => setTimeout(r, 50));
      if (!closed) {
        const after = await runOnClient(client, { query: '{ viewer { scope } }' }, { timeoutMs: 3000 });
        const data = (after.results[0]?.data as { viewer?: unknown } | undefined)?.viewer;
        ctx.count(after.closeCode !== undefined ? `ws close ${after.closeCode}` : data ? 'ws next (revoked key)' : 'ws refused');
        if (data) ctx.violation('revoked-key-access', label, '{ viewer { scope } }', 'ws next', JSON.stringify(after.results).slice(0, 300), 'a revoked key still runs operations on its open socket');
        else if (after.closeCode !== undefined && ![4401, 4403].includes(after.closeCode)) ctx.violation('ws-wrong-close', label, '{ viewer { scope } }', `ws close ${after.closeCode}`, after.closeReason ?? '', 'expected 4401|4403');
        const stillSubscribed = subs.filter((s) => !s.state.ended).length;
        if (stillSubscribed && !closed) ctx.violation('revoked-key-subscribed', 'ws subscriptions after revocation', 'subscription migrationProgress', '', '', `${stillSubscribed} subscription(s) of a revoked key still open 3 s after revocation`);
      } else {
        ctx.count(`ws close ${closed.code}`);
        if (![4401, 4403].includes(closed.code)) ctx.violation(closed.code === 4500 ? 'ws-internal-close' : 'ws-wrong-close', label, 'socket', `ws close ${closed.code}`, closed.reason, 'expected 4401|4403');
      }
      for (const s of subs) s.stop();
      await ctx.http({ method: 'GET', path: '/v1/migrate', headers: { authorization: `Bearer ${doomed.key}` } }, { label: 'GET /v1/migrate (revoked key)', api: 'rest', status: [401], codes: ['unauthorized'] });
    } finally {
      await client.dispose();
    }
  },
};

export const WS_PROPERTIES: FuzzProperty[] = [wsConnectionInit, wsOperations, wsProtocol, wsRevocation];
