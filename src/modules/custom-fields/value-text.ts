import type { z } from 'zod';

/** A value as stored in a jsonb column: a custom field value, a fallback. */
export type StoredValue = z.infer<ReturnType<typeof z.json>>;

/**
 * A stored value as the text GraphQL shows (there is no JSON scalar): a string as it is, a
 * number or boolean as JSON writes it (`42.5`, `true`), a date as its stored ISO-8601 string,
 * null as null. Anything else (no import writes one) as its JSON text.
 */
export function storedValueText(value: StoredValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
