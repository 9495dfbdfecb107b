import { z } from 'zod';
import { notFound, validationError } from '../../errors/app-error.js';
import { newId } from '../../db/ids.js';
import type { AppServices } from '../../app-services.js';
import type { AuthContext } from '../api-keys/api-key.service.js';
import { assertDeliverableUrl } from './webhook-address.js';
import { newWebhookSecret } from './webhook-signature.js';
import { WEBHOOK_EVENTS, deleteEndpoint, insertEndpoint, listEndpoints, type WebhookEndpointRow } from './webhook-endpoint.repository.js';
import { countDeliveries, pageDeliveries, type WebhookDeliveryRow } from './webhook-delivery.repository.js';

const input = z.object({
  url: z.string().min(1, 'url is required').max(2000),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: `events must be among ${WEBHOOK_EVENTS.join(', ')}` }))
    .min(1, 'events needs at least one event'),
});

/** Webhook endpoints of an organization; the signing secret is returned only on creation. */
export class WebhookEndpointService {
  constructor(private readonly services: AppServices) {}

  async create(auth: AuthContext, raw: { url?: unknown; events?: unknown }) {
    const parsed = input.safeParse(raw);
    if (!parsed.success) throw validationError(parsed.error.issues.map((i) => i.message).join('; '));
    const url = await assertDeliverableUrl(parsed.data.url, this.services.env.WEBHOOK_ALLOW_PRIVATE);
    const id = newId('whe');
    const secret = newWebhookSecret();
    const sealed = await this.services.sealer.seal(secret, { organizationId: auth.organizationId, ownerId: id });
    await insertEndpoint(this.services.pool, {
      id,
      organizationId: auth.organizationId,
      url: url.toString(),
      events: [...new Set(parsed.data.events)],
      sealedSecret: sealed,
    });
    const [endpoint] = await this.list(auth, id);
    return { endpoint: endpoint!, secret };
  }

  list(auth: AuthContext, id?: string): Promise<WebhookEndpointRow[]> {
    return listEndpoints(this.services.pool, auth.organizationId, id);
  }

  async remove(auth: AuthContext, id: string): Promise<boolean> {
    if (!(await deleteEndpoint(this.services.pool, auth.organizationId, id))) throw notFound(`Webhook endpoint ${id}`);
    return true;
  }

  /** Newest first, `limit` after the delivery `after`. */
  deliveries(auth: AuthContext, endpointId: string, limit: number, after: string | null): Promise<WebhookDeliveryRow[]> {
    return pageDeliveries(this.services.pool, auth.organizationId, endpointId, limit, after);
  }

  countDeliveries(auth: AuthContext, endpointId: string): Promise<number> {
    return countDeliveries(this.services.pool, auth.organizationId, endpointId);
  }
}
