import { createHash } from 'node:crypto';

/**
 * What makes two requests "the same" for an Idempotency-Key: method, path (with query) and body.
 * A JSON body is compared by its canonical form (keys sorted, no whitespace), so a client that
 * re-serialises the same object differently still matches; any other body as raw text.
 */
export function requestHash(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method}\n${path}\n${canonicalBody(body)}`).digest('hex');
}

function canonicalBody(body: string): string {
  try {
    return `json:${canonicalJson(JSON.parse(body))}`;
  } catch {
    // Not JSON (or nested too deep to walk): the bytes as sent.
    return `text:${body}`;
  }
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
