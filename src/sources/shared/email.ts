/** Identity form of an address: trimmed and lower-cased (the original is kept for display). */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// Pragmatic check: one @, a non-empty local part, a dotted domain of letters/digits/hyphens
// (unicode allowed), no spaces or control characters. RFC 5322 allows more, but no provider delivers to those.
const EMAIL = /^[^\s\p{Cc}@"(),:;<>[\\\]]{1,64}@(?=.{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

/** Why an address cannot be imported, or null when it can. */
export function emailProblem(normalized: string): string | null {
  if (!normalized) return 'empty email address';
  if (normalized.length > 254) return 'email address longer than 254 characters';
  if (!EMAIL.test(normalized)) return 'invalid email address';
  return null;
}
