/**
 * The spec side of "spec shapes": loads a vendored OpenAPI file, turns the response schema at a
 * JSON pointer into a self-contained JSON Schema (local `$ref`s inlined, OpenAPI's `nullable`
 * as a "null" type, `example` as `examples` when it fits), and answers "does this value fit
 * that schema" with ajv. No network: only `#/…` references exist in the vendored specs.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';

export type Schema = { [key: string]: any };

const docs = new Map<string, any>();

/** A spec file under emulators/specs, parsed once per process. */
export function loadSpec(relativePath: string): any {
  let doc = docs.get(relativePath);
  if (!doc) {
    doc = parse(readFileSync(new URL(`../specs/${relativePath}`, import.meta.url), 'utf8'));
    docs.set(relativePath, doc);
  }
  return doc;
}

const unescape = (key: string) => decodeURIComponent(key).replace(/~1/g, '/').replace(/~0/g, '~');

export function pointerGet(doc: any, pointer: string): any {
  const node = pointer.replace(/^#/, '').split('/').slice(1).reduce((n, key) => n?.[unescape(key)], doc);
  if (node === undefined) throw new Error(`spec has nothing at ${pointer}`);
  return node;
}

/** The 200 JSON response schema of GET `path`, as a pointer (for resolveSchema). */
export function responsePointer(path: string): string {
  return `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`;
}

const ajv = new Ajv2020.default({ strict: false, validateSchema: false, allErrors: false, validateFormats: false });
const compiled = new WeakMap<Schema, ReturnType<typeof ajv.compile>>();

/** Whether `value` is valid against a resolved schema (formats are not checked, as in the spec tests). */
export function accepts(schema: Schema, value: unknown): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) as boolean;
}

/** Resolved schemas per spec document and pointer: shared across emulator starts, so ajv compiles each node once per process. */
const resolved = new WeakMap<object, Map<string, Schema>>();

const DROP = new Set(['description', 'title', 'deprecated', 'example', 'examples', 'externalDocs', 'xml', 'discriminator', 'readOnly', 'writeOnly']);

/**
 * A self-contained copy of the schema at `pointer`: `$ref`s inlined (a cycle becomes `{}`),
 * `nullable: true` → "null" added to `type`, a leaf's `example` kept as `examples` only when it
 * validates (for json-schema-faker's useExamplesValue); documentation keywords dropped.
 */
export function resolveSchema(doc: any, pointer: string): Schema {
  let byPointer = resolved.get(doc);
  if (!byPointer) resolved.set(doc, (byPointer = new Map()));
  let schema = byPointer.get(pointer);
  if (!schema) byPointer.set(pointer, (schema = resolveUncached(doc, pointer)));
  return schema;
}

function resolveUncached(doc: any, pointer: string): Schema {
  const walk = (node: any, stack: string[]): any => {
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (!node || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') {
      if (stack.includes(node.$ref)) return {};
      const { $ref, ...siblings } = node;
      return walk({ ...pointerGet(doc, $ref), ...siblings }, [...stack, $ref]);
    }
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' || key === 'patternProperties') {
        out[key] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, walk(v, stack)]));
      } else if (!DROP.has(key)) {
        out[key] = walk(value, stack);
      }
    }
    if (out.nullable === true) {
      delete out.nullable;
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    }
    const example = node.example ?? (Array.isArray(node.examples) ? node.examples[0] : undefined);
    if (example !== undefined && example !== null && typeof example !== 'object' && accepts(out, example)) out.examples = [example];
    return out;
  };
  return walk(pointerGet(doc, pointer), []);
}

/**
 * One object schema that every given view of a record satisfies: the union of the properties
 * (the first view naming a property wins, so list the strictest first) and of `required`.
 */
export function mergeViews(views: Schema[]): Schema {
  const properties: Schema = {};
  const required = new Set<string>();
  for (const view of views) {
    for (const [key, value] of Object.entries(view.properties ?? {})) properties[key] ??= value;
    for (const key of view.required ?? []) required.add(key);
  }
  return { type: 'object', properties, required: [...required] };
}

/** The item schema of a list envelope (`data` or `result` array) or of a bare array response. */
export function itemsOf(schema: Schema, field?: string): Schema {
  const array = field ? schema.properties?.[field] : schema;
  if (!array?.items) throw new Error(`no array items${field ? ` under ${field}` : ''}`);
  return array.items;
}
