import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { notFound, validationError } from '../../errors/app-error.js';
import { newId } from '../../db/ids.js';
import type { AppServices } from '../../app-services.js';
import type { AuthContext } from '../api-keys/api-key.service.js';
import { assertDeliverableUrl } from './webhook-address.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events.js';
import { newWebhookSecret } from './webhook-signature.js';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  events: WebhookEvent[];
  created_at: Date;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export interface WebhookDeliveryRow {
  id: string;
  event: WebhookEvent;
  status: (typeof DELIVERY_STATUSES)[number];
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const input = z.object({
  url: z.string().min(1, 'url is required').max(2000),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: `events must be among ${WEBHOOK_EVENTS.join(', ')}` }))
    .min(1, 'events needs at least one event'),
});

/** Webhook endpoints of an organization; the signing secret is returned only on creation. */
export class WebhookEndpointService {
  constructor(
    private readonly em: EntityManager,
    private readonly services: AppServices,
  ) {}

  async create(auth: AuthContext, raw: { url?: unknown; events?: unknown }) {
    const parsed = input.safeParse(raw);
    if (!parsed.success) throw validationError(parsed.error.issues.map((i) => i.message).join('; '));
    const url = await assertDeliverableUrl(parsed.data.url, this.services.env.WEBHOOK_ALLOW_PRIVATE);
    const id = newId('whe');
    const secret = newWebhookSecret();
    const sealed = await this.services.sealer.seal(secret, { organizationId: auth.organizationId, ownerId: id });
    const events = [...new Set(parsed.data.events)];
    await this.em.execute(
      `insert into webhook_endpoints (id, organization_id, url, events, sealed_secret) values (?, ?, ?, ?::text[], ?)`,
      [id, auth.organizationId, url.toString(), `{${events.join(',')}}`, JSON.stringify(sealed)],
    );
    const [endpoint] = await this.list(auth, id);
    return { endpoint: endpoint!, secret };
  }

  list(auth: AuthContext, id?: string): Promise<WebhookEndpointRow[]> {
    return this.em.execute<WebhookEndpointRow[]>(
      `select id, url, events, created_at from webhook_endpoints
        where organization_id = ? and (?::text is null or id = ?) order by created_at, id`,
      [auth.organizationId, id ?? null, id ?? null],
    );
  }

  async remove(auth: AuthContext, id: string): Promise<boolean> {
    const deleted = await this.em.execute<{ id: string }[]>(
      'delete from webhook_endpoints where id = ? and organization_id = ? returning id',
      [id, auth.organizationId],
    );
    if (!deleted.length) throw notFound(`Webhook endpoint ${id}`);
    return true;
  }

  /** Newest first, `limit` after the delivery `after` (keyset on created_at, id). */
  deliveries(auth: AuthContext, endpointId: string, limit: number, after: string | null): Promise<WebhookDeliveryRow[]> {
    return this.em.execute<WebhookDeliveryRow[]>(
      `select id, event, status, attempts, last_status_code, last_error, created_at, delivered_at
         from webhook_deliveries d where endpoint_id = ? and organization_id = ?
          and (?::text is null or (created_at, id) < (select created_at, id from webhook_deliveries where id = ?))
        order by created_at desc, id desc limit ?`,
      [endpointId, auth.organizationId, after, after, limit],
    );
  }

  async countDeliveries(auth: AuthContext, endpointId: string): Promise<number> {
    const [row] = await this.em.execute<{ n: number }[]>(
      'select count(*)::int as n from webhook_deliveries where endpoint_id = ? and organization_id = ?',
      [endpointId, auth.organizationId],
    );
    return row!.n;
  }
}
