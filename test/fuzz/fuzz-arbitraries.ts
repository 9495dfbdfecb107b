/**
 * The fast-check arbitraries the fuzz properties draw from: ids and cursors, hostile strings,
 * wrong JSON types, credentials, deep nesting. Pure values, no I/O.
 */
import fc from 'fast-check';

/**
 * Every secret the fuzzer invents (API keys, source credentials) carries one of these markers, and
 * nothing else does: a marker found in a response or a log line is a secret echoed.
 */
export const MARKER_PATTERN = /zqs[a-z0-9]{12}/;
export const marker: fc.Arbitrary<string> = fc.stringMatching(/^[a-z0-9]{12}$/).map((s) => `zqs${s}`);

/** Characters that break naive code: NUL, controls, line breaks, bidi and zero-width marks, surrogates. */
export const HOSTILE_CHARS = [
  '\u0000', '\r', '\n', '\r\n', '\t', '\u0001', '\u0007', '\b', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028',
  '\u2029', '\ufeff', '\u200b', '\u202e', '\ud800', '\udfff', '\u{1f600}', 'é', 'e\u0301', '\u{10ffff}', '\uffff',
  '"', "'", '\\', '/', '%', '%00', '%zz', '{', '}', '[', ']', '$', '`', '<script>', '../', '..', '.', ' ', ',', ';',
  '#', '?', '&', '=', '+', '*', '\\u0000',
];

const base64url = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);

/** Strings of every kind, from empty to 10k characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...HOSTILE_CHARS), fc.string({ maxLength: 4 })), { maxLength: 10 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '', ' ', '\u0000', 'a\u0000b', '\u0000'.repeat(50), 'x'.repeat(10_000), 'é'.repeat(10_000), '\u{1f600}'.repeat(5000),
      `${'\u0000'.repeat(10)}${'x'.repeat(9990)}`, 'null', 'undefined', 'true', '0', '-1', 'NaN', '{}', '[]',
      "' or 1=1 --", '"; drop table migration_jobs; --', '$1', '%s%s%n', '{{7*7}}', '${7*7}', '__proto__', 'constructor',
    ),
  },
);

/** A string that is JSON-safe and has no NUL (for places where NUL is a separate input class). */
export const hostileStringWithoutNul = hostileString.map((s) => s.replaceAll('\u0000', ''));

/** Ids and cursors: valid-looking, other organization's, random, empty, NUL, controls, unicode, huge. */
export function idLike(known: { own?: string[]; others?: string[]; prefix?: string } = {}): fc.Arbitrary<string> {
  const prefix = known.prefix ?? 'mig';
  const parts: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: base64url.map((b) => `${prefix}_${b}`) },
    { weight: 3, arbitrary: hostileString },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '', '\u0000', `${prefix}_\u0000`, `\u0000${prefix}_x`, `${prefix}_`, `${prefix}_${'A'.repeat(10_000)}`, '0', '-1',
        '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'mig_doesNotExist', 'key_x', 'whk_x',
        `${prefix}_\r\nSet-Cookie: x=1`, `${prefix}_\u202e`, `${prefix}_é`, '%00', '%2F', '..', '.',
      ),
    },
  ];
  if (known.others?.length) parts.push({ weight: 2, arbitrary: fc.constantFrom(...known.others) });
  if (known.own?.length) parts.push({ weight: 2, arbitrary: fc.constantFrom(...known.own) });
  // Near misses of known ids: one character more, less, or changed in case.
  const all = [...(known.own ?? []), ...(known.others ?? [])];
  if (all.length) {
    parts.push({
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...all), fc.constantFrom('extra', 'trim', 'upper', 'nul', 'space')).map(([id, how]) =>
        how === 'extra' ? `${id}x` : how === 'trim' ? id.slice(0, -1) : how === 'upper' ? id.toUpperCase() : how === 'nul' ? `${id}\u0000` : ` ${id} `,
      ),
    });
  }
  return fc.oneof(...parts);
}

/** Any JSON value, small. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 1.5),
  fc.boolean(),
  fc.constant(null),
  hostileString,
  fc.array(fc.oneof(fc.integer(), hostileString, fc.boolean()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), hostileString, fc.constant(null)), { maxKeys: 3 }),
);

/** A JSON value of another type than `kind` (the field's documented type). */
export function wrongType(kind: 'string' | 'boolean' | 'array' | 'object' | 'number'): fc.Arbitrary<unknown> {
  const byKind: Record<string, fc.Arbitrary<unknown>> = {
    string: hostileString,
    boolean: fc.boolean(),
    number: fc.oneof(fc.integer(), fc.constantFrom(1.5, -1, 1e308)),
    array: fc.array(fc.oneof(hostileString, fc.integer()), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(hostileString, fc.integer()), { maxKeys: 3 }),
  };
  const others = Object.entries(byKind).filter(([k]) => k !== kind).map(([, a]) => a);
  return fc.oneof(...others, fc.constant(null));
}

/** Every field name of the REST bodies and the approval options (never "unknown"). */
export const KNOWN_FIELD_NAMES = new Set([
  'source', 'credential', 'options', 'domains', 'audiences', 'contacts', 'templates', 'topics', 'customFields',
  'customFieldMappings', 'migrateAll', 'ignoreDomains', 'ignoreAudiences', 'ignoreContacts', 'ignoreTemplates',
  'ignoreCustomFields', 'ignoreTopics', 'ignoreSuppressions', 'sourceFieldId', 'sourceFieldName', 'fieldName', 'fieldType',
]);

/**
 * A near miss of a known name (one letter dropped, added or in the other case): what makes
 * graphql-js add "Did you mean …?" to its messages, which production must not show.
 */
export function nearMiss(names: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...names), fc.constantFrom('drop-last', 'drop-first', 'add-s', 'upper-first', 'swap'))
    .map(([n, how]) => {
      switch (how) {
        case 'drop-last': return n.slice(0, -1);
        case 'drop-first': return n.slice(1);
        case 'add-s': return `${n}s`;
        case 'upper-first': return n.charAt(0).toUpperCase() + n.slice(1);
        default: return n.length > 2 ? `${n.slice(0, 1)}${n.charAt(2)}${n.charAt(1)}${n.slice(3)}` : `${n}_`;
      }
    })
    .filter((n) => n.length > 0 && !names.includes(n));
}

/** Field names nobody declared: plain ones (which a message can name), near misses, hostile ones. */
export const unknownFieldName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,14}$/).filter((k) => !KNOWN_FIELD_NAMES.has(k)) },
  { weight: 2, arbitrary: nearMiss([...KNOWN_FIELD_NAMES]).filter((k) => !KNOWN_FIELD_NAMES.has(k)) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'Domains', 'contacts ', 'colour', 'credential\u0000', '') },
  { weight: 1, arbitrary: hostileString.filter((k) => !KNOWN_FIELD_NAMES.has(k)) },
);

/** A name a message can quote back recognisably (printable, short). */
export const isPlainName = (name: string) => /^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(name);

/**
 * A source credential the service must refuse or check, always carrying a marker. `wellFormed`
 * says whether it passes the documented shape (8–4096 printable ASCII characters).
 */
export interface CredentialCase {
  value: unknown;
  marker: string;
  /** A string of 8–4096 printable ASCII characters: the provider is asked about it. */
  wellFormed: boolean;
  /** Holds CR, LF or NUL: must be refused at once, without reaching the provider. */
  controlChars: boolean;
}

export const sourceCredential: fc.Arbitrary<CredentialCase> = fc
  .tuple(
    marker,
    fc.constantFrom('re_', 'SG.', '', 're_full_', 'mk_'),
    fc.constantFrom(
      'plain', 'cr', 'lf', 'crlf', 'nul', 'space', 'tab', 'unicode', 'long', 'huge', 'short', 'array', 'object', 'number',
      'header-injection', 'bool', 'null', 'nested-array',
    ),
    fc.string({ unit: 'grapheme-ascii', maxLength: 6 }).map((s) => s.replace(/\s/g, '')),
  )
  .map(([m, prefix, shape, tail]) => {
    const base = `${prefix}${m}${tail}`;
    const make = (value: unknown, wellFormed: boolean, controlChars = false): CredentialCase => ({ value, marker: m, wellFormed, controlChars });
    switch (shape) {
      case 'plain': return make(base, base.length >= 8 && /^[\x21-\x7e]+$/.test(base));
      case 'cr': return make(`${base}\r`, false, true);
      case 'lf': return make(`${base}\nX-Injected: 1`, false, true);
      case 'crlf': return make(`${base}\r\n`, false, true);
      case 'nul': return make(`${base}\u0000`, false, true);
      case 'header-injection': return make(`${base}\r\nAuthorization: Bearer x`, false, true);
      case 'space': return make(`${base} ${base}`, false);
      case 'tab': return make(`${base}\t`, false);
      case 'unicode': return make(`${base}é\u202e`, false);
      case 'long': return make(`${base}${'a'.repeat(4096)}`, false);
      case 'huge': return make(`${base}${'a'.repeat(20_000)}`, false);
      case 'short': return make(m.slice(0, 5), false);
      case 'array': return make([base], false);
      case 'nested-array': return make([[base, base]], false);
      case 'object': return make({ key: base }, false);
      case 'number': return make(Number.parseInt(m.replace(/\D/g, '').slice(0, 12) || '12345678', 10), false);
      case 'bool': return make(true, false);
      default: return make(null, false);
    }
  });

/** Values of an HTTP Authorization header that carry no valid key (they are all header-legal). */
export function badAuthorization(known: { revoked: string[]; valid: string[] }): fc.Arbitrary<string | undefined> {
  const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 20 });
  return fc.oneof(
    fc.constant(undefined),
    marker.map((m) => `Bearer mk_${m}${'A'.repeat(28)}`),
    marker.map((m) => `Bearer ${m}`),
    marker.map((m) => `bearer mk_${m}`),
    marker.map((m) => `Basic ${Buffer.from(`mk_${m}:x`).toString('base64')}`),
    marker.map((m) => `Bearer mk_${m} mk_${m}`),
    marker.map((m) => `Bearer mk_${m}\tjunk`),
    marker.map((m) => `Bearer mk_${m}${'A'.repeat(7000)}`),
    fc.tuple(marker, latin1).map(([m, s]) => `Bearer mk_${m}${s}`),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer mk_', 'mk_', 'Token abc', 'Bearer null', 'Bearer undefined', 'Bearer \u00e9\u00e9'),
    fc.constantFrom(...known.revoked).map((k) => `Bearer ${k}`),
    fc.tuple(fc.constantFrom(...known.valid), fc.constantFrom('x', 'upper', 'trim', 'nobearer', 'double')).map(([k, how]) =>
      how === 'x' ? `Bearer ${k}x` : how === 'upper' ? `Bearer ${k.toUpperCase()}` : how === 'trim' ? `Bearer ${k.slice(0, -1)}` : how === 'nobearer' ? k : `Bearer ${k}${k}`,
    ),
  );
}

/** A connection_init payload without a usable key: wrong types, controls, unknown keys. */
export function badConnectionParams(known: { revoked: string[]; valid: string[] }): fc.Arbitrary<unknown> {
  const value = fc.oneof(
    marker.map((m) => `Bearer mk_${m}`),
    marker.map((m) => `mk_${m}\r\n`),
    marker.map((m) => `Bearer mk_${m}\u0000`),
    marker.map((m) => [`Bearer mk_${m}`]),
    marker.map((m) => ({ key: `mk_${m}` })),
    fc.constantFrom(...known.valid).map((k) => `${k}\r\n`),
    fc.constantFrom(...known.valid).map((k) => `${k}\u0000`),
    fc.constantFrom(...known.valid).map((k) => [k]),
    fc.constantFrom(...known.valid).map((k) => ({ k })),
    fc.constantFrom(...known.revoked).map((k) => `Bearer ${k}`),
    fc.constantFrom(...known.revoked),
    anyJson,
  );
  return fc.oneof(
    fc.record({ authorization: value }),
    fc.record({ apiKey: value }),
    fc.record({ Authorization: value }),
    fc.record({ apiKey: value, authorization: value }),
    fc.constantFrom({}, null),
    fc.dictionary(unknownFieldName, value, { minKeys: 1, maxKeys: 2 }),
  );
}

/** JSON text nested `depth` levels deep, built as text (no recursion anywhere). */
export function deepJsonText(depth: number, shape: 'array' | 'object', inner = '1'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}
