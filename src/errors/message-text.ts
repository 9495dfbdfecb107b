/**
 * Text from outside (a provider's error body, a name from a request) made fit for a message a
 * user sees: no control characters, one line, bounded. Messages are stored, logged and
 * delivered by webhooks, so they are cleaned where they are made.
 */
export function cleanText(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value) ?? '';
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** The message with every occurrence of the secret (a source credential) replaced. */
export function redactSecret(message: string, secret: string | null | undefined): string {
  if (!secret || secret.length < 4) return message;
  return message.split(secret).join('[credential]');
}

/** A name taken from a request, quoted for a message. */
export function quoteInput(name: unknown): string {
  return `"${cleanText(typeof name === 'string' ? name : String(name), 60)}"`;
}
