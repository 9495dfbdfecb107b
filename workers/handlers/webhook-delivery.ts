import type { JobHandler } from '../worker-runtime.js';
import { webhookDeliveryJob } from '../../src/jobs/job-definitions.js';
import { assertDeliverableUrl } from '../../src/modules/webhooks/webhook-address.js';
import { signWebhook } from '../../src/modules/webhooks/webhook-signature.js';
import type { SealedCredential } from '../../src/modules/credentials/credential-sealer.js';

const DELIVERY_TIMEOUT_MS = 10_000;

interface DeliveryRow {
  id: string;
  status: string;
  payload: unknown;
  url: string;
  endpoint_id: string;
  organization_id: string;
  sealed_secret: SealedCredential;
}

/**
 * POSTs one event, signed per Standard Webhooks. A non-2xx answer or a network error throws, so
 * pg-boss retries with exponential backoff under the same webhook-id; the last attempt marks the
 * delivery failed. The address is checked again at delivery time (DNS may have changed).
 */
export const handleWebhookDelivery: JobHandler<{ deliveryId: string }> = async ({ deliveryId }, job, { pool, sealer, env, logger }) => {
  const { rows } = await pool.query<DeliveryRow>(
    `select d.id, d.status, d.payload, e.url, e.id as endpoint_id, e.organization_id, e.sealed_secret
       from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where d.id = $1`,
    [deliveryId],
  );
  const row = rows[0];
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
    await pool.query(
      `update webhook_deliveries set status = 'delivered', attempts = attempts + 1, last_status_code = $2, last_error = null, delivered_at = now() where id = $1`,
      [row.id, statusCode],
    );
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    await pool.query(
      `update webhook_deliveries set attempts = attempts + 1, last_status_code = $2, last_error = $3,
              status = case when $4 then 'failed' else status end where id = $1`,
      [row.id, statusCode, message, lastAttempt],
    );
    logger.info({ deliveryId, attempt: job.retryCount + 1, err: message }, 'webhook delivery attempt failed');
    if (!lastAttempt) throw err;
  }
};
