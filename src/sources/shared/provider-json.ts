/**
 * A provider's JSON body, with U+0000 removed from every string and key: PostgreSQL text and
 * jsonb cannot hold it, and no field we import has a use for it. Done once, where the body is
 * read, so no record fails later in a database write for it.
 */
export function parseProviderJson(text: string): unknown {
  if (!text.includes('\\u0000')) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'string') return value.replace(/\u0000/g, '');
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => k.includes('\u0000'))) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/\u0000/g, ''), v]));
    }
    return value;
  });
}
