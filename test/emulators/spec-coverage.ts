/**
 * Shape coverage of served bodies against a resolved spec schema: every choice point (a
 * oneOf/anyOf branch, a type of a type array, an enum value, an optional property present and
 * absent) is named once by `choicePoints`, and `observe` records which ones a body exercises.
 * Paths are property names joined by "/" with "[]" for array items, e.g.
 * `/variables/[]/fallback_value|of=3`.
 */
import { accepts, type Schema } from '../../emulators/shared/spec-schema.js';

const alternativesOf = (s: Schema): Schema[] | undefined => s.oneOf ?? s.anyOf;
const merged = new WeakMap<Schema, Schema[]>();
function branches(s: Schema): Schema[] {
  let out = merged.get(s);
  if (!out) {
    const { oneOf: _o, anyOf: _a, ...rest } = s;
    merged.set(s, (out = alternativesOf(s)!.map((alt) => ({ ...rest, ...alt }))));
  }
  return out;
}

/** Every alternative a schema offers, as coverage keys. */
export function choicePoints(schema: Schema, path = ''): string[] {
  const out: string[] = [];
  const alts = alternativesOf(schema);
  if (alts) branches(schema).forEach((b, i) => out.push(`${path}|of=${i}`, ...choicePoints(b, path)));
  else if (Array.isArray(schema.enum)) out.push(...schema.enum.map((v) => `${path}|enum=${JSON.stringify(v)}`));
  else {
    if (Array.isArray(schema.type)) out.push(...schema.type.map((t: string) => `${path}|type=${t}`));
    const required = new Set<string>(schema.required ?? []);
    for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {})) {
      if (!required.has(key)) out.push(`${path}/${key}|present`, `${path}/${key}|absent`);
      out.push(...choicePoints(sub, `${path}/${key}`));
    }
    if (schema.items && typeof schema.items === 'object') out.push(...choicePoints(schema.items, `${path}/[]`));
  }
  return out;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);

/** Adds the choice points `value` exercises to `seen`. */
export function observe(schema: Schema, value: unknown, seen: Set<string>, path = ''): void {
  const alts = alternativesOf(schema);
  if (alts) {
    branches(schema).forEach((b, i) => {
      if (!accepts(b, value)) return;
      seen.add(`${path}|of=${i}`);
      observe(b, value, seen, path);
    });
    return;
  }
  if (Array.isArray(schema.enum)) return void seen.add(`${path}|enum=${JSON.stringify(value)}`);
  if (Array.isArray(schema.type)) {
    const t = jsonType(value);
    seen.add(`${path}|type=${t === 'integer' && !schema.type.includes('integer') ? 'number' : t}`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {})) {
      seen.add(`${path}/${key}|${Object.hasOwn(record, key) ? 'present' : 'absent'}`);
      if (Object.hasOwn(record, key)) observe(sub, record[key], seen, `${path}/${key}`);
    }
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') for (const item of value) observe(schema.items, item, seen, `${path}/[]`);
}

/** Choice points of `schema` that no body in `bodies` exercised. */
export function uncovered(schema: Schema, bodies: unknown[]): string[] {
  const seen = new Set<string>();
  for (const body of bodies) observe(schema, body, seen);
  return choicePoints(schema).filter((p) => !seen.has(p));
}
