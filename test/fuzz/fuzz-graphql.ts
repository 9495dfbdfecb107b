/**
 * GraphQL operations generated from schema.graphql (so a new field is fuzzed without touching
 * this file), with argument values drawn per argument, sent inline or as variables, and a local
 * oracle (graphql-js on the same schema) that says whether the document and variables are valid:
 * an invalid one must be refused with a 400, a valid one must reach the resolvers' rules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  validate,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
} from 'graphql';
import type { FuzzEnv } from './fuzz-env.js';
import {
  anyJson,
  hostileString,
  idLike,
  nearMiss,
  sourceCredential,
  unknownFieldName,
} from './fuzz-arbitraries.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const schema = buildSchema(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));

/** An enum value: a bare name inline, a string in variables. */
export class EnumLiteral {
  constructor(readonly name: string) {}
  toJSON() {
    return this.name;
  }
}

export interface Slot {
  /** Field path from the root, e.g. ['webhookEndpoints', 'deliveries']. */
  fieldPath: string[];
  argName: string;
  type: GraphQLInputType;
  /** As printed in a variable definition. */
  typeText: string;
}

export interface RootOp {
  kind: 'query' | 'mutation' | 'subscription';
  field: string;
  slots: Slot[];
  /** The selection below the root field, with `{argsOf:<index>}` placeholders for nested args. */
  selection: string;
}

export type SlotValue = { omit: true } | { omit?: false; mode: 'inline' | 'variable'; value: unknown };

const MAX_SELECTION_DEPTH = 2;

function selectionFor(type: GraphQLOutputType, pathSoFar: string[], slots: Slot[], depth: number): string {
  const named = getNamedType(type);
  // Results of mutations are unions of a payload and typed errors; `node` is an interface.
  if (isUnionType(named) || isInterfaceType(named)) {
    const members = isUnionType(named) ? named.getTypes() : schema.getPossibleTypes(named).slice(0, 3);
    const parts = members.map((m) => `... on ${m.name} ${selectionFor(m, pathSoFar, slots, depth)}`);
    return `{ __typename ${parts.join(' ')} }`;
  }
  if (!isObjectType(named)) return '';
  const parts: string[] = [];
  for (const field of Object.values((named as GraphQLObjectType).getFields())) {
    const fieldType = getNamedType(field.type);
    const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
    if (isLeafType(fieldType)) {
      if (!required.length) parts.push(field.name);
      continue;
    }
    if (depth >= MAX_SELECTION_DEPTH) continue;
    const fieldPath = [...pathSoFar, field.name];
    const argSlots = field.args.map((a) => {
      slots.push({ fieldPath, argName: a.name, type: a.type, typeText: String(a.type) });
      return slots.length - 1;
    });
    const inner = selectionFor(field.type, fieldPath, slots, depth + 1);
    if (!inner) continue;
    parts.push(`${field.name}${argSlots.length ? `{argsOf:${argSlots.join(',')}}` : ''} ${inner}`);
  }
  return parts.length ? `{ ${parts.join(' ')} }` : '{ __typename }';
}

/** Every root field of the schema, as an operation with its argument slots. */
export const ROOT_OPS: RootOp[] = (['query', 'mutation', 'subscription'] as const).flatMap((kind) => {
  const type = kind === 'query' ? schema.getQueryType() : kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!type) return [];
  return Object.values(type.getFields()).map((field) => {
    const slots: Slot[] = field.args.map((a) => ({ fieldPath: [field.name], argName: a.name, type: a.type, typeText: String(a.type) }));
    const selection = selectionFor(field.type, [field.name], slots, 1);
    return { kind, field: field.name, slots, selection };
  });
});

/** A literal in GraphQL syntax; undefined when a value cannot be written inline (a key that is no name). */
export function printLiteral(value: unknown): string | undefined {
  if (value instanceof EnumLiteral) return value.name;
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(printLiteral);
    return items.some((i) => i === undefined) ? undefined : `[${items.join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const printed = printLiteral(v);
      return /^[_A-Za-z][_0-9A-Za-z]*$/.test(k) && printed !== undefined ? `${k}: ${printed}` : undefined;
    });
    return entries.some((e) => e === undefined) ? undefined : `{${entries.join(', ')}}`;
  }
  return undefined;
}

/** A JSON-ready copy (enum literals become strings). */
function toJsonValue(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}

export interface BuiltOperation {
  op: RootOp;
  query: string;
  variables: Record<string, unknown>;
  /** Every string that went in, inline or as a variable (for the NUL rule). */
  strings: string[];
  /** Whether a slot takes a source credential. */
  hasCredential: boolean;
}

export function buildOperation(op: RootOp, values: SlotValue[]): BuiltOperation {
  const varDefs: string[] = [];
  const variables: Record<string, unknown> = {};
  const strings: string[] = [];
  const argsText = (indexes: number[]) => {
    const parts: string[] = [];
    for (const i of indexes) {
      const slot = op.slots[i]!;
      const v = values[i];
      if (!v || v.omit) continue;
      collectStrings(v.value, strings);
      const inline = v.mode === 'inline' ? printLiteral(v.value) : undefined;
      if (inline !== undefined) {
        parts.push(`${slot.argName}: ${inline}`);
      } else {
        const name = `v${i}`;
        varDefs.push(`$${name}: ${slot.typeText}`);
        variables[name] = toJsonValue(v.value);
        parts.push(`${slot.argName}: $${name}`);
      }
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  };
  const rootIndexes = op.slots.map((s, i) => (s.fieldPath.length === 1 ? i : -1)).filter((i) => i >= 0);
  const rootArgs = argsText(rootIndexes);
  const selection = op.selection.replace(/\{argsOf:([\d,]+)\}/g, (_m, list: string) => argsText(list.split(',').map(Number)));
  const query = `${op.kind} Fuzz${varDefs.length ? `(${varDefs.join(', ')})` : ''} { ${op.field}${rootArgs} ${selection} }`;
  return { op, query, variables, strings, hasCredential: op.slots.some((s) => s.argName === 'credential') };
}

function collectStrings(value: unknown, into: string[]) {
  if (typeof value === 'string') into.push(value);
  else if (value instanceof EnumLiteral) into.push(value.name);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, into);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) {
    into.push(k);
    collectStrings(v, into);
  }
}

export type Verdict = { valid: true } | { valid: false; reason: string };

/** What graphql-js says of the document and its variables, on the schema the API prints. */
export function oracle(query: string, variables: Record<string, unknown> | undefined, operationName?: string | null): Verdict {
  let document;
  try {
    document = parse(query);
  } catch (err) {
    return { valid: false, reason: `syntax: ${(err as Error).message}` };
  }
  const errors = validate(schema, document);
  if (errors.length) return { valid: false, reason: `validation: ${errors[0]!.message}` };
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return { valid: false, reason: 'no such operation' };
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors?.length) return { valid: false, reason: `variables: ${coerced.errors[0]!.message}` };
  return { valid: true };
}

// --- argument values ------------------------------------------------------------------------

const WEBHOOK_EVENTS = ['migration.scan_completed', 'migration.completed', 'migration.failed'];

/** Webhook URLs the guard must refuse (loopback, private, odd forms, port 0, non-http). */
export const refusedWebhookUrl: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'http://127.0.0.1/', 'http://127.1/', 'http://0/', 'http://0.0.0.0/', 'http://[::1]/', 'http://[::]/',
    'http://[::127.0.0.1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[0:0:0:0:0:ffff:127.0.0.1]/',
    'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://10.0.0.1/', 'http://192.168.1.1/',
    'http://172.16.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/', 'http://[fc00::1]/',
    'http://100.64.0.1/', 'http://localhost/', 'http://localhost./', 'http://LOCALHOST/', 'http://[::1]:0/',
    'https://93.184.215.14:0/', 'http://93.184.215.14:0/x', 'https://0.0.0.0:443/', 'ftp://93.184.215.14/',
    'file:///etc/passwd', 'javascript:alert(1)', 'gopher://93.184.215.14/', 'http://user:pass@127.0.0.1/',
    'http://93.184.215.14@127.0.0.1/', 'http://[::ffff:a00:1]/', 'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/',
    'http://224.0.0.1/', 'http://255.255.255.255/', '', ' ', 'not a url', 'http://', 'http://\u0000/', 'http://127.0.0.1\u0000.example.com/',
  ),
  fc.tuple(fc.constantFrom('127', '10', '192.168', '169.254'), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map(
    ([a, b, c]) => `http://${a}.${b}.${a.includes('.') ? '' : '0.'}${c}/`.replace('..', '.'),
  ),
);

function semanticValue(env: FuzzEnv, op: RootOp, slot: Slot): fc.Arbitrary<unknown> | undefined {
  const { orgA, orgB } = env;
  const jobsA = Object.values(orgA.jobs);
  const jobsB = Object.values(orgB.jobs);
  const isMutation = op.kind === 'mutation';
  switch (slot.argName) {
    case 'id':
      if (op.field === 'revokeApiKey') return idLike({ prefix: 'key', others: [orgB.full.id, orgB.readOnly.id], own: [orgA.revoked.id] });
      if (op.field === 'deleteWebhookEndpoint') return idLike({ prefix: 'whk', others: [orgB.webhookId] });
      // Mutations get jobs made for fuzzing (their status may change); reads the seeded ones.
      return idLike({ own: isMutation ? env.scratchJobs : jobsA, others: jobsB });
    case 'after':
      if (op.field === 'contacts') return fc.oneof(idLike({ own: [orgA.contactId], others: [orgB.contactId] }), fc.uuid());
      return idLike({ own: jobsA, others: jobsB });
    case 'audienceId':
      return idLike({ prefix: 'aud', own: [orgA.audienceId], others: [orgB.audienceId] });
    case 'migrationId':
      return idLike({ own: jobsA, others: jobsB });
    case 'groupId':
      return idLike({ prefix: 'grp' });
    case 'emailPrefix':
      return fc.oneof(
        fc.constantFrom(orgA.contactEmail, orgA.contactEmail.slice(0, 2).toUpperCase(), orgB.contactEmail, '', '%', '_', '\\', 'a'.repeat(255)),
        hostileString,
      );
    case 'credential':
      return fc.oneof(
        { weight: 6, arbitrary: sourceCredential.map((c) => c.value) },
        { weight: 1, arbitrary: fc.constantFrom(env.resendCredential, env.sendgridCredential) },
      );
    case 'source':
      return fc.oneof(fc.constantFrom('resend', 'sendgrid', 'mailgun', 'postmark', 'RESEND', ' resend ', '', 'mailchimp'), hostileString);
    case 'url':
      return fc.oneof({ weight: 4, arbitrary: refusedWebhookUrl }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.constant('https://93.184.215.14/hook') });
    case 'events':
      return fc.array(fc.oneof(fc.constantFrom(...WEBHOOK_EVENTS), hostileString), { maxLength: 4 });
    case 'templateIds':
      return fc.array(hostileString, { maxLength: 3 });
    case 'first':
      return fc.oneof(fc.integer({ min: -3, max: 600 }), fc.constantFrom(0, 1, 50, 100, 101, 500, 501, 2 ** 31 - 1, -(2 ** 31)));
    default:
      return undefined;
  }
}

/** A value of `type` (right type, hostile content); `null` sometimes where the type allows it. */
function typedValue(env: FuzzEnv, type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return typedValue(env, type.ofType, depth);
  const orNull = (a: fc.Arbitrary<unknown>) => fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) });
  const t = getNullableType(type);
  if (isListType(t)) {
    const item = typedValue(env, t.ofType as GraphQLInputType, depth + 1);
    return orNull(fc.oneof({ weight: 4, arbitrary: fc.array(item, { maxLength: 3 }) }, { weight: 1, arbitrary: item }));
  }
  if (isEnumType(t)) {
    const names = t.getValues().map((v) => v.name);
    return orNull(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...names.map((n) => new EnumLiteral(n))) },
        { weight: 1, arbitrary: nearMiss(names).map((n) => (/^[_A-Za-z][_0-9A-Za-z]*$/.test(n) ? new EnumLiteral(n) : n)) },
        { weight: 1, arbitrary: nearMiss(names) },
        { weight: 1, arbitrary: hostileString },
      ),
    );
  }
  if (isInputObjectType(t)) {
    if (depth > 3) return fc.constant(null);
    const fields = Object.values(t.getFields());
    const unknownField = fc.oneof(unknownFieldName, nearMiss(fields.map((f) => f.name)));
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) record[f.name] = typedValue(env, f.type, depth + 1);
    const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
    return orNull(
      fc.tuple(
        fc.record(record, { requiredKeys: required as never[] }),
        fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 2, arbitrary: fc.dictionary(unknownField, anyJson, { minKeys: 1, maxKeys: 2 }) }),
      ).map(([known, unknown]) => ({ ...known, ...unknown })),
    );
  }
  switch (t.name) {
    case 'Int':
      return orNull(fc.oneof(fc.integer({ min: -5, max: 600 }), fc.constantFrom(0, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1)));
    case 'Float':
      return orNull(fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'Boolean':
      return orNull(fc.boolean());
    case 'ID':
      return orNull(fc.oneof({ weight: 4, arbitrary: idLike() }, { weight: 1, arbitrary: fc.integer() }));
    default:
      return orNull(hostileString);
  }
}

export interface OperationInput {
  op: RootOp;
  values: SlotValue[];
}

/** An operation of one of `ops` with values for its slots: right types mostly, wrong ones sometimes. */
export function operationArbitrary(env: FuzzEnv, ops: RootOp[], options: { wrongTypes?: boolean } = {}): fc.Arbitrary<OperationInput> {
  return fc.constantFrom(...ops).chain((op) => {
    const slotArbs = op.slots.map((slot) => {
      const right = semanticValue(env, op, slot) ?? typedValue(env, slot.type);
      const typed = typedValue(env, slot.type);
      const required = isNonNullType(slot.type);
      const value = fc.oneof(
        { weight: 5, arbitrary: right },
        { weight: 2, arbitrary: typed },
        ...(options.wrongTypes ? [{ weight: 2, arbitrary: anyJson }] : []),
      );
      const present = fc.record({ mode: fc.constantFrom<'inline' | 'variable'>('inline', 'variable'), value }).map((v) => v as SlotValue);
      // Nested-field arguments are mostly left out (their field's own defaults apply).
      const omitWeight = slot.fieldPath.length > 1 ? 4 : required ? (options.wrongTypes ? 1 : 0) : 2;
      if (!omitWeight) return present;
      return fc.oneof({ weight: 5, arbitrary: present }, { weight: omitWeight, arbitrary: fc.constant<SlotValue>({ omit: true }) });
    });
    return fc.tuple(...slotArbs).map((values) => ({ op, values }));
  });
}


/** A string the API refuses whatever the operation (PostgreSQL cannot store it): NUL, or a lone UTF-16 surrogate. */
export function unstorable(value: string): boolean {
  return value.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
