/**
 * "Spec shapes": records whose fields are sampled from a provider's official response schema,
 * so a connector meets every type, nullability, enum value and extra field the spec allows.
 *
 * Coverage is by rotation, not by luck: every choice point of a schema (a oneOf/anyOf branch, a
 * type of a type array, an enum value, an optional property present or absent, an extra unknown
 * property, a hostile string or number) has a counter per record kind, so across a kind's
 * records each alternative comes up in turn. Records cycle through optional-property modes
 * (all present / mixed / required only). Leaves come from json-schema-faker (formats, patterns,
 * ordinary strings and numbers) seeded from the run seed and the record key, or from the
 * hostile pools. Generation runs once, in account order, so one account and seed always give
 * the same bytes.
 */
import { generateSync } from 'json-schema-faker';
import { createRandom, type Random } from '../resend/random.js';
import { accepts, type Schema } from './spec-schema.js';
import * as hostile from './hostile-values.js';

export type JsonObject = Record<string, unknown>;
export interface SpecShapesOptions {
  /** Run seed: the same account and seed give the same responses, byte for byte. */
  seed: number;
}

/** FNV-1a over the parts: stable seeds and rotation offsets. */
export function hash(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0001')) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h;
}

type Mode = 'all' | 'mixed' | 'none';
const MODES: Mode[] = ['all', 'mixed', 'all', 'none'];
const DATE_NAME = /(_at|[a-z]At|^created|^updated|^date|^Date)$/; // snake_case and Postmark's CreatedAt
const ARRAY_LENGTHS = [1, 2, 0, 3];
const codePoints = (s: string) => [...s].length;

/** Derived schemas (a oneOf branch merged with its parent, one type of a type array) made once, so ajv compiles each once. */
const derivedCache = new WeakMap<Schema, Map<string, Schema>>();
function derived(schema: Schema, key: string, make: () => Schema): Schema {
  let byKey = derivedCache.get(schema);
  if (!byKey) derivedCache.set(schema, (byKey = new Map()));
  let d = byKey.get(key);
  if (!d) byKey.set(key, (d = make()));
  return d;
}

export class SpecSampler {
  private readonly counters = new Map<string, number>();
  constructor(readonly seed: number) {}

  /** Next alternative (0..n-1) at a choice point of `kind`; starts at a seed-dependent offset. */
  pick(kind: string, point: string, n: number): number {
    const key = `${kind}${point}`;
    const c = this.counters.get(key) ?? hash(this.seed, key);
    this.counters.set(key, c + 1);
    return c % n;
  }

  /** One record of `kind` (the `ordinal`-th generated), its leaves seeded by `key`. */
  sample(kind: string, key: string, ordinal: number, schema: Schema): JsonObject {
    const walk = new Walk(this, kind, createRandom(hash(this.seed, kind, key)), MODES[ordinal % MODES.length]!, ordinal % 5 === 2);
    return walk.value(schema, '', '') as JsonObject;
  }
}

class Walk {
  constructor(private readonly s: SpecSampler, private readonly kind: string, private readonly rng: Random, private readonly mode: Mode, private readonly examples: boolean) {}

  private pick(point: string, n: number) {
    return this.s.pick(this.kind, point, n);
  }

  value(schema: Schema | boolean, path: string, name: string): unknown {
    if (schema === true || schema === false || Object.keys(schema).length === 0) return this.any(path);
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.allOf)) {
      const { allOf, ...rest } = schema;
      return this.value(derived(schema, 'allOf', () => Object.assign({}, rest, ...allOf)), path, name);
    }
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (Array.isArray(alternatives)) {
      const i = this.pick(`${path}|of`, alternatives.length);
      const { oneOf: _o, anyOf: _a, ...rest } = schema;
      return this.value(derived(schema, `of${i}`, () => ({ ...rest, ...alternatives[i] })), path, name);
    }
    if (Array.isArray(schema.enum)) return schema.enum[this.pick(`${path}|enum`, schema.enum.length)];
    let type = schema.type;
    if (Array.isArray(type)) {
      const [base, picked] = [schema, type[this.pick(`${path}|type`, type.length)]];
      schema = derived(base, `type:${picked}`, () => ({ ...base, type: picked }));
      type = picked;
    }
    type ??= schema.properties ? 'object' : schema.items ? 'array' : undefined;
    switch (type) {
      case 'null': return null;
      case 'boolean': return this.pick(`${path}|bool`, 2) === 0;
      case 'object': return this.object(schema, path);
      case 'array': return this.array(schema, path);
      case 'string': return this.string(schema, path, name);
      case 'integer': case 'number': return this.number(schema, path, name);
      default: return this.any(path);
    }
  }

  private object(schema: Schema, path: string): unknown {
    const properties: Schema = schema.properties ?? {};
    const required = new Set<string>(schema.required ?? []);
    if (Object.keys(properties).length === 0 && required.size === 0) {
      return structuredClone(hostile.OBJECT_SAMPLES[this.pick(`${path}|freeform`, hostile.OBJECT_SAMPLES.length)]);
    }
    const out: JsonObject = {};
    for (const key of new Set([...Object.keys(properties), ...required])) {
      const present = required.has(key) || this.mode === 'all' || (this.mode === 'mixed' && this.pick(`${path}/${key}|opt`, 2) === 0);
      if (present) out[key] = this.value(properties[key] ?? {}, `${path}/${key}`, key);
    }
    if (schema.additionalProperties !== false && this.pick(`${path}|extra`, 4) === 0) {
      const extra = hostile.EXTRA_KEYS[this.pick(`${path}|extra-key`, hostile.EXTRA_KEYS.length)]!;
      if (!Object.hasOwn(properties, extra)) out[extra] = this.any(`${path}|extra-value`);
    }
    return out;
  }

  private array(schema: Schema, path: string): unknown[] {
    const length = Math.min(schema.maxItems ?? Infinity, Math.max(schema.minItems ?? 0, ARRAY_LENGTHS[this.pick(`${path}|length`, ARRAY_LENGTHS.length)]!));
    const items = Array.from({ length }, () => this.value(schema.items ?? {}, `${path}/[]`, ''));
    if (!schema.uniqueItems) return items;
    return [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
  }

  private string(schema: Schema, path: string, name: string): unknown {
    if (schema.format || schema.pattern || (this.examples && schema.examples)) return this.faker(schema);
    let candidate: string;
    if (DATE_NAME.test(name)) {
      candidate = hostile.timestampString(this.rng, this.pick(`${path}|timestamp`, hostile.TIMESTAMP_VARIANTS));
    } else {
      const variant = this.pick(`${path}|string`, 8);
      const r = this.rng;
      candidate = [
        () => String(this.faker(schema)), () => String(this.faker(schema)), () => String(this.faker(schema)), () => '',
        () => hostile.longString(r, Math.min(schema.maxLength ?? hostile.LONG_LENGTH, hostile.LONG_LENGTH)),
        () => hostile.UNICODE_SAMPLES[r.int(0, hostile.UNICODE_SAMPLES.length - 1)]!,
        () => hostile.ENUMISH[r.int(0, hostile.ENUMISH.length - 1)]!, () => `  ${String(this.faker(schema))}  `,
      ][variant]!();
    }
    const fits = codePoints(candidate) >= (schema.minLength ?? 0) && codePoints(candidate) <= (schema.maxLength ?? Infinity);
    return fits && accepts(schema, candidate) ? candidate : this.faker(schema);
  }

  private number(schema: Schema, path: string, name: string): unknown {
    const variant = this.pick(`${path}|number`, 4);
    if (variant < 2) return this.faker(schema);
    const dates = [1_500_000_000 + this.rng.int(0, 300_000_000), 1.7e12 + this.rng.int(0, 1e9)];
    const pool = (DATE_NAME.test(name) ? [...dates, ...hostile.NUMBER_EDGES] : hostile.NUMBER_EDGES).filter((n) => accepts(schema, n));
    return pool.length > 0 ? pool[this.pick(`${path}|edge`, pool.length)] : this.faker(schema);
  }

  private any(path: string): unknown {
    return structuredClone(hostile.ANY_SAMPLES[this.pick(`${path}|any`, hostile.ANY_SAMPLES.length)]);
  }

  /** json-schema-faker for one leaf: formats, patterns, bounds, the spec's examples on some records. */
  private faker(schema: Schema): unknown {
    return generateSync(schema, { seed: this.rng.int(1, 2 ** 31 - 1), useExamplesValue: this.examples, alwaysFakeOptionals: true, fillProperties: false });
  }
}

/**
 * The records of one emulator in spec mode, kind → key → master record. A master is sampled
 * from the union of every view the kind is served in (so each view is a projection of it and
 * all views agree), then the emulator's identity fields are laid over it.
 */
export class SpecRecordSet {
  readonly sampler: SpecSampler;
  readonly masters = new Map<string, Map<string, JsonObject>>();
  private readonly known = new Map<string, Set<string>>();

  constructor(options: SpecShapesOptions) {
    this.sampler = new SpecSampler(options.seed);
  }

  /** Samples `kind` for `refs` (key → the emulator's own wire object), in order. */
  build(kind: string, schema: Schema, identity: readonly string[], refs: Array<[string, JsonObject]>): JsonObject[] {
    const map = new Map<string, JsonObject>();
    this.masters.set(kind, map);
    this.known.set(kind, new Set(Object.keys(schema.properties ?? {})));
    return refs.map(([key, ref], i) => {
      const master = overlay(this.sampler.sample(kind, key, i, schema), ref, identity, schema);
      map.set(key, master);
      return master;
    });
  }

  get(kind: string, key: string): JsonObject | undefined {
    return this.masters.get(kind)?.get(key);
  }

  /** `item` (the emulator's wire object) as `view` serves it: master projected, identity from `item`. */
  shape(kind: string, key: string, item: JsonObject, view: Schema, identity: readonly string[]): JsonObject {
    const master = this.get(kind, key);
    if (!master) return item;
    const known = this.known.get(kind)!;
    const names = view.properties ?? {};
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(master)) if (Object.hasOwn(names, k) || !known.has(k)) out[k] = v;
    return overlay(out, item, identity, view);
  }
}

/** Identity fields from `source` first (null only where the schema allows it; absent ones removed), then the rest of `target`. */
export function overlay(target: JsonObject, source: JsonObject, identity: readonly string[], schema: Schema): JsonObject {
  const out: JsonObject = {};
  for (const key of identity) {
    const value = source[key];
    const property = schema.properties?.[key];
    if (value !== undefined && !(value === null && property && !accepts(property, null))) out[key] = value;
  }
  for (const [key, value] of Object.entries(target)) if (!identity.includes(key)) out[key] = value;
  return out;
}
