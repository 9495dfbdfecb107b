import type { JobHandler } from '../worker-runtime.js';
import { webhookDeliveryJob } from '../../src/jobs/job-definitions.js';
import { assertDeliverableUrl } from '../../src/modules/webhooks/webhook-address.js';
import { signWebhook } from '../../src/modules/webhooks/webhook-signature.js';
import { findDeliveryToSend, markDelivered, recordFailedAttempt } from '../../src/modules/webhooks/webhook-delivery.repository.js';

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * POSTs one event, signed per Standard Webhooks. A non-2xx answer or a network error throws, so
 * pg-boss retries with exponential backoff under the same webhook-id; the last attempt marks the
 * delivery failed. The address is checked again at delivery time (DNS may have changed).
 */
export const handleWebhookDelivery: JobHandler<{ deliveryId: string }> = async ({ deliveryId }, job, { pool, sealer, env, logger }) => {
  const row = await findDeliveryToSend(pool, deliveryId);
  if (!row || row.status !== 'pending') return;
  const lastAttempt = job.retryCount >= (webhookDeliveryJob.queue.retryLimit ?? 0);
  let statusCode: number | null = null;
  try {
    await assertDeliverableUrl(row.url, env.WEBHOOK_ALLOW_PRIVATE);
    const secret = await sealer.unseal(row.sealed_secret, { organizationId: row.organization_id, ownerId: row.endpoint_id });
    const body = JSON.stringify(row.payload);
    const res = await fetch(row.url, {
      method: 'POST',
      headers: { ...signWebhook(secret, row.id, body), 'content-type': 'application/json', 'user-agent': 'migrate-service-webhooks/1' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    statusCode = res.status;
    await res.body?.cancel();
    if (!res.ok) throw new Error(`endpoint answered ${res.status}`);
    await markDelivered(pool, row.id, statusCode);
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    await recordFailedAttempt(pool, row.id, { statusCode, error: message, last: lastAttempt });
    logger.info({ deliveryId, attempt: job.retryCount + 1, err: message }, 'webhook delivery attempt failed');
    if (!lastAttempt) throw err;
  }
};
