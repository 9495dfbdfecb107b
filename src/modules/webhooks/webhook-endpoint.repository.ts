import { z } from 'zod';
import type { Queryable } from '../../db/queryable.js';
import type { SealedCredential } from '../credentials/credential-sealer.js';

// Here rather than in webhook-events.ts, which calls this repository: the row schema needs the
// list when the module loads, and an import cycle would leave it undefined.
export const WEBHOOK_EVENTS = ['migration.scan_completed', 'migration.completed', 'migration.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const endpointRowSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  created_at: z.date(),
});
/** An endpoint as the API shows it: never its secret. */
export type WebhookEndpointRow = z.infer<typeof endpointRowSchema>;
const endpointRows = z.array(endpointRowSchema);

export interface NewWebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  events: WebhookEvent[];
  sealedSecret: SealedCredential;
}

export async function insertEndpoint(db: Queryable, e: NewWebhookEndpoint): Promise<void> {
  await db.query(
    `insert into webhook_endpoints (id, organization_id, url, events, sealed_secret) values ($1, $2, $3, $4::text[], $5)`,
    [e.id, e.organizationId, e.url, e.events, JSON.stringify(e.sealedSecret)],
  );
}

/** The organization's endpoints oldest first, or only the one with `id`. */
export async function listEndpoints(db: Queryable, organizationId: string, id?: string): Promise<WebhookEndpointRow[]> {
  const { rows } = await db.query(
    `select id, url, events, created_at from webhook_endpoints
      where organization_id = $1 and ($2::text is null or id = $2) order by created_at, id`,
    [organizationId, id ?? null],
  );
  return endpointRows.parse(rows);
}

/** False when the organization has no endpoint with this id. Its deliveries go with it (cascade). */
export async function deleteEndpoint(db: Queryable, organizationId: string, id: string): Promise<boolean> {
  const { rows } = await db.query('delete from webhook_endpoints where id = $1 and organization_id = $2 returning id', [
    id,
    organizationId,
  ]);
  return rows.length > 0;
}

/** Ids of the organization's endpoints subscribed to `event`. */
export async function endpointsWanting(db: Queryable, organizationId: string, event: WebhookEvent): Promise<string[]> {
  const { rows } = await db.query(`select id from webhook_endpoints where organization_id = $1 and $2 = any(events)`, [
    organizationId,
    event,
  ]);
  return z.array(z.object({ id: z.string() })).parse(rows).map((r) => r.id);
}
