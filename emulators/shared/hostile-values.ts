/**
 * Hostile-but-valid values the spec-shape sampler rotates through besides json-schema-faker's
 * own: strings a plain `type: string` allows (empty, very long, unicode, padded, enum-like words
 * of other fields), timestamp spellings for `*_at` strings, edge numbers, free-form JSON.
 */
import type { Random } from '../resend/random.js';

/** Unicode that breaks naive handling: combining marks, RTL, emoji (ZWJ), zero-width, CJK, controls, a NUL (valid JSON; PostgreSQL text refuses it). */
export const UNICODE_SAMPLES = [
  'nul\u0000byte', 'Zoë Ångström-Øster', 'José\u0301 n\u0303', 'עברית مرحبا', '👩‍👩‍👧‍👦 🎉 🇩🇪', 'zero\u200bwidth\u200d\ufeff', '中文テスト한국어',
  'tab\tand\nnewline', '<b>&amp;"quoted\'</b>', '\\ back\\slash {{var}} ${x}', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛',
];

/** Enum-like words: other fields' enum values, other cases, unknown future values. */
export const ENUMISH = ['string', 'number', 'boolean', 'date', 'datetime', 'object', 'list', 'STRING', 'Text', 'unknown', 'opt_in', 'verified', 'future_value_v2', 'null', 'true', '0'];

export const EXTRA_KEYS = ['unknown_field', 'x-future-field', 'meta', 'ÜnicodeKey', '', 'constructor', 'toString', 'id_v2'];

/** Timestamp spellings seen across providers (and Resend's own odd example), plus non-dates. */
export function timestampString(rng: Random, variant: number): string {
  const ms = Date.UTC(2019, 0, 1) + rng.int(0, 7 * 365) * 86_400_000 + rng.int(0, 86_399_999);
  const iso = new Date(ms).toISOString();
  const micros = String(rng.int(0, 999_999)).padStart(6, '0');
  const forms = [
    iso, iso.replace(/\.\d{3}Z$/, 'Z'), `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}+00`, `${iso.slice(0, 10)}:${iso.slice(11, 23)}Z`,
    iso.slice(0, 10), iso.replace('Z', '+05:30'), String(Math.floor(ms / 1000)), 'not a date', '',
  ];
  return forms[variant % forms.length]!;
}

export const TIMESTAMP_VARIANTS = 9;

/** A string of exactly `length` code points mixing ASCII, accents, CJK and astral emoji. */
export function longString(rng: Random, length: number): string {
  const alphabet = ['a', 'b', 'Z', ' ', 'é', '中', '🎉', '\u0301', '-', '9'];
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

export const LONG_LENGTH = 5000;

const DEEP = { level1: { level2: { level3: { level4: [1, { level5: null }] } } } };

/** Free-form objects (`type: object` with no properties). */
export const OBJECT_SAMPLES: Array<Record<string, unknown>> = [
  {}, { a: 1, b: 'two', c: [true, null] }, DEEP, { '': 'empty key', 'ünïcødé': '✓', 'with space': 0 }, { value: { value: 'nested value' }, type: 'object' },
];

/** Arrays with anything in them (`items: {}`). */
export const ARRAY_SAMPLES: unknown[][] = [[], ['a', 1, true, null, { k: 'v' }, [2]], [1, 2, 3], [''], [[[]]]];

/** Any JSON value at all (a schema of `{}`). */
export const ANY_SAMPLES: unknown[] = ['text', 0, -1.5, true, false, null, ...OBJECT_SAMPLES.slice(1, 3), ...ARRAY_SAMPLES.slice(1, 3), 1e21, ''];

/** Edge numbers; the sampler keeps only those inside the schema's bounds. */
export const NUMBER_EDGES = [0, -1, 1, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.5, -0.25, 1e21, 1.7e12, 1_700_000_000];
