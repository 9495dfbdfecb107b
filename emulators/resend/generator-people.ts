/**
 * People for generated accounts: names (some unicode, some null), email addresses (some with
 * unicode local parts or IDN domains, some invalid) and case variants of an address, the way
 * legacy audiences stored the same person twice (`Anna@X.com` beside `anna@x.com`).
 */
import type { Random } from './random.js';

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Elena', 'Felix', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sam', 'Tara', 'Victor'];
const LAST = ['Smith', 'Berg', 'Costa', 'Dunn', 'Evans', 'Fischer', 'Garcia', 'Hale', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Moreau', 'Novak', 'Olsen', 'Park', 'Quinn', 'Rossi', 'Silva', 'Weber'];
/** Unicode names, each with an ASCII-free or accented local part used for some addresses. */
const UNICODE_PEOPLE: ReadonlyArray<{ first: string; last: string; local: string }> = [
  { first: 'Zoë', last: 'Ålund', local: 'zoë.ålund' },
  { first: '李雷', last: '韩', local: '李雷' },
  { first: 'José', last: 'Núñez', local: 'josé.núñez' },
  { first: 'Søren', last: 'Kierkegård', local: 'søren' },
  { first: 'Łukasz', last: 'Żółkiewski', local: 'łukasz.ż' },
  { first: 'Дмитрий', last: 'Иванов', local: 'дмитрий' },
  { first: 'Ayşe', last: 'Yılmaz', local: 'ayşe.yılmaz' },
  { first: 'Þóra', last: 'Ægisdóttir', local: 'þóra' },
];
const MAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'example.com', 'acme.io', 'fastmail.fm', 'proton.me', 'company.co.uk'];
const IDN_DOMAINS = ['münchen.de', 'bücher.example', '例え.jp'];
/** Addresses every validator rejects; `{n}` keeps each one distinct. */
const INVALID_SHAPES = ['not-an-email-{n}', 'a{n}@@b.com', 'x{n}@localhost', '@missing-local-{n}.com', 'missing-domain-{n}@', 'two words{n}@example.com'];

export interface Person {
  first_name: string | null;
  last_name: string | null;
  /** As stored: lowercase for valid addresses, raw text for invalid ones. */
  email: string;
  invalid: boolean;
}

export interface PersonShares {
  invalidShare: number;
  unicodeShare: number;
  nullNameShare: number;
}

/** Person `n` (unique per account): the suffix `n` keeps every valid address distinct. */
export function makePerson(rng: Random, n: number, shares: PersonShares): Person {
  const unicode = rng.chance(shares.unicodeShare);
  const u = rng.pick(UNICODE_PEOPLE);
  let first: string | null = unicode ? u.first : rng.pick(FIRST);
  let last: string | null = unicode ? u.last : rng.pick(LAST);
  if (rng.chance(shares.nullNameShare)) {
    // Real data: either name can be missing, often both.
    if (rng.chance(0.6)) first = null;
    last = null;
  }
  if (rng.chance(shares.invalidShare)) {
    return { first_name: first, last_name: last, email: rng.pick(INVALID_SHAPES).replace('{n}', String(n)), invalid: true };
  }
  let local = `${(unicode ? u.first : first ?? rng.pick(FIRST)).toLowerCase()}.${(last ?? rng.pick(LAST)).toLowerCase()}${n}`;
  let domain = rng.pick(MAIL_DOMAINS);
  if (unicode && rng.chance(0.5)) local = `${u.local}${n}`;
  if (unicode && rng.chance(0.3)) domain = rng.pick(IDN_DOMAINS);
  return { first_name: first, last_name: last, email: `${local}@${domain}`, invalid: false };
}

/**
 * Another spelling of the same address that differs only in letter case: capitalised local part
 * where possible, and an upper-cased domain, so `variant.toLowerCase() === email.toLowerCase()`
 * but `variant !== email` (domains here always contain an ASCII letter).
 */
export function caseVariant(email: string, rng: Random): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email.toUpperCase() === email ? email.toLowerCase() : email.toUpperCase();
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const capital = local.charAt(0).toUpperCase() + local.slice(1);
  const upperDomain = rng.chance(0.5) ? domain.toUpperCase() : domain.charAt(0).toUpperCase() + domain.slice(1);
  const variant = capital !== local && rng.chance(0.6) ? `${capital}@${domain}` : `${capital}@${upperDomain}`;
  return variant === email ? email.toUpperCase() : variant;
}
