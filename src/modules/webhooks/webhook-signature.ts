import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks secret: `whsec_` and 24 random bytes, base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * The Standard Webhooks headers for one attempt, signed by the reference library (the one
 * receivers verify with): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
export function signWebhook(secret: string, id: string, body: string, now = new Date()): Record<string, string> {
  // The library signs with the timestamp in whole seconds; the header must carry the same.
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
