import { z } from 'zod';
import { newId } from '../../db/ids.js';
import type { Queryable } from '../../db/queryable.js';
import type { SealedCredential } from '../credentials/credential-sealer.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-endpoint.repository.js';

/** The values `webhook_deliveries.status` is checked against. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

const deliveryRowSchema = z.object({
  id: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.date(),
  delivered_at: z.date().nullable(),
});
export type WebhookDeliveryRow = z.infer<typeof deliveryRowSchema>;
const deliveryRows = z.array(deliveryRowSchema);

/** A delivery with what sending it needs from its endpoint. */
const deliveryToSendSchema = z.object({
  id: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  payload: z.unknown(),
  url: z.string(),
  endpoint_id: z.string(),
  organization_id: z.string(),
  // Checked in full by the sealer, which answers with its own error for a bad envelope.
  sealed_secret: z.custom<SealedCredential>((v) => typeof v === 'object' && v !== null),
});
export type WebhookDeliveryToSend = z.infer<typeof deliveryToSendSchema>;

export interface NewWebhookDelivery {
  endpointId: string;
  organizationId: string;
  event: WebhookEvent;
  payload: Record<string, unknown>;
}

/** Records a pending delivery and returns its id, which is also its webhook-id header. */
export async function insertDelivery(db: Queryable, d: NewWebhookDelivery): Promise<string> {
  const id = newId('msg');
  await db.query(
    `insert into webhook_deliveries (id, endpoint_id, organization_id, event, payload) values ($1, $2, $3, $4, $5)`,
    [id, d.endpointId, d.organizationId, d.event, d.payload],
  );
  return id;
}

/** Newest first, `limit` after the delivery `after` (keyset on created_at, id). */
export async function pageDeliveries(
  db: Queryable,
  organizationId: string,
  endpointId: string,
  limit: number,
  after: string | null,
): Promise<WebhookDeliveryRow[]> {
  const { rows } = await db.query(
    `select id, event, status, attempts, last_status_code, last_error, created_at, delivered_at
       from webhook_deliveries where endpoint_id = $1 and organization_id = $2
        and ($3::text is null or (created_at, id) < (select created_at, id from webhook_deliveries where id = $3))
      order by created_at desc, id desc limit $4`,
    [endpointId, organizationId, after, limit],
  );
  return deliveryRows.parse(rows);
}

export async function countDeliveries(db: Queryable, organizationId: string, endpointId: string): Promise<number> {
  const { rows } = await db.query('select count(*)::int as n from webhook_deliveries where endpoint_id = $1 and organization_id = $2', [
    endpointId,
    organizationId,
  ]);
  return z.object({ n: z.number().int() }).parse(rows[0]).n;
}

export async function findDeliveryToSend(db: Queryable, id: string): Promise<WebhookDeliveryToSend | null> {
  const { rows } = await db.query(
    `select d.id, d.status, d.payload, e.url, e.id as endpoint_id, e.organization_id, e.sealed_secret
       from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where d.id = $1`,
    [id],
  );
  return rows[0] ? deliveryToSendSchema.parse(rows[0]) : null;
}

export async function markDelivered(db: Queryable, id: string, statusCode: number): Promise<void> {
  await db.query(
    `update webhook_deliveries set status = 'delivered', attempts = attempts + 1, last_status_code = $2, last_error = null, delivered_at = now() where id = $1`,
    [id, statusCode],
  );
}

/** Counts a failed attempt; the last one allowed also marks the delivery failed. */
export async function recordFailedAttempt(
  db: Queryable,
  id: string,
  attempt: { statusCode: number | null; error: string; last: boolean },
): Promise<void> {
  await db.query(
    `update webhook_deliveries set attempts = attempts + 1, last_status_code = $2, last_error = $3,
            status = case when $4 then 'failed' else status end where id = $1`,
    [id, attempt.statusCode, attempt.error, attempt.last],
  );
}
