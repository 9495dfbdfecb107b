/**
 * Why a (trimmed) name a provider gives as a domain cannot be one here, or null when it can.
 * Specs type names as any string; a 5,000-character one would not fit the domains' unique index
 * and would fail the whole phase, so it is a row problem instead.
 */
export function domainNameProblem(name: string): string | null {
  if (!name) return 'the domain has no name';
  if (name.length > 253) return `the domain name is ${name.length} characters long (a domain name has at most 253)`;
  if (/[\s\p{Cc}]/u.test(name)) return 'the domain name contains spaces or control characters';
  return null;
}
