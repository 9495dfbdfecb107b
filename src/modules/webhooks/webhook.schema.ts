import { builder } from '../../graphql/builder.js';
import { describedEnum } from '../../graphql/described-enum.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { listConnection, pageRequest, toConnection } from '../../graphql/pagination.js';
import { NotFoundError, ValidationError } from '../../graphql/error-types.js';
import { WebhookEndpointService } from './webhook-endpoint.service.js';
import { WEBHOOK_EVENTS, type WebhookEndpointRow } from './webhook-endpoint.repository.js';
import { DELIVERY_STATUSES, type WebhookDeliveryRow } from './webhook-delivery.repository.js';

const service = (ctx: GraphQLContext) => new WebhookEndpointService(ctx.services);

const WebhookEventEnum = builder.enumType('WebhookEvent', {
  description: 'What a webhook endpoint can be told about; the payload’s `type` is the dotted name.',
  values: {
    migration_scan_completed: { value: 'migration.scan_completed', description: 'migration.scan_completed: a scan finished, the job is ready_for_review' },
    migration_completed: { value: 'migration.completed', description: 'migration.completed: an import finished' },
    migration_failed: { value: 'migration.failed', description: 'migration.failed: a scan or import failed, or was cancelled' },
  } as const satisfies Record<string, { readonly value: (typeof WEBHOOK_EVENTS)[number]; readonly description: string }>,
});

const DeliveryStatusEnum = describedEnum('WebhookDeliveryStatus', 'Where a delivery stands.', DELIVERY_STATUSES, {
  pending: 'Queued or being retried',
  delivered: 'The endpoint answered 2xx',
  failed: 'Retries exhausted',
});

const WebhookDelivery = builder.objectRef<WebhookDeliveryRow>('WebhookDelivery').implement({
  description: 'One event sent (or being sent) to an endpoint, signed per Standard Webhooks.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Also the webhook-id header: stable across retries' }),
    event: t.field({ type: WebhookEventEnum, description: 'What it tells', resolve: (d) => d.event }),
    status: t.field({ type: DeliveryStatusEnum, description: 'Where it stands', resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts', { description: 'Attempts so far' }),
    lastStatusCode: t.int({ nullable: true, description: 'The endpoint’s last HTTP status', resolve: (d) => d.last_status_code }),
    lastError: t.string({ nullable: true, description: 'Why the last attempt failed', resolve: (d) => d.last_error }),
    createdAt: t.field({ type: 'DateTime', description: 'When the event happened', resolve: (d) => new Date(d.created_at) }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, description: 'When the endpoint accepted it', resolve: (d) => (d.delivered_at ? new Date(d.delivered_at) : null) }),
  }),
});

const WebhookEndpoint = builder.objectRef<WebhookEndpointRow>('WebhookEndpoint');
builder.node(WebhookEndpoint, {
  description: 'A URL the organization’s migration events are posted to.',
  id: { resolve: (e) => e.id },
  loadOne: async (id, ctx) => (await service(ctx).list(requireAuth(ctx), id))[0] ?? null,
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where events are posted' }),
    events: t.field({ type: [WebhookEventEnum], description: 'What it is told about', resolve: (e) => e.events }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was registered', resolve: (e) => new Date(e.created_at) }),
    deliveries: t.connection({
      type: WebhookDelivery,
      description: 'Newest first',
      resolve: async (e, args, ctx) => {
        const request = pageRequest(args);
        const auth = requireAuth(ctx);
        const [rows, total] = await Promise.all([
          service(ctx).deliveries(auth, e.id, request.first + 1, request.afterKey),
          service(ctx).countDeliveries(auth, e.id),
        ]);
        return toConnection(rows, request, (d) => d.id, total);
      },
    }),
  }),
});

const CreateWebhookEndpointPayload = builder
  .objectRef<{ endpoint: WebhookEndpointRow; secret: string }>('CreateWebhookEndpointPayload')
  .implement({
    description: 'The endpoint created, with its signing secret.',
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpoint, description: 'The endpoint', resolve: (r) => r.endpoint }),
      secret: t.exposeString('secret', { description: 'Standard Webhooks signing secret; shown only this once' }),
    }),
  });

const DeleteWebhookEndpointPayload = builder.objectRef<{ id: string }>('DeleteWebhookEndpointPayload').implement({
  description: 'The endpoint deleted: nothing more is sent to it.',
  fields: (t) => ({ deletedId: t.exposeID('id', { description: 'The id it had' }) }),
});

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  description: 'A public https (or http) URL and the events it wants.',
  fields: (t) => ({
    url: t.string({ required: true, description: 'Must resolve to a public address' }),
    events: t.field({ type: [WebhookEventEnum], required: true, description: 'At least one' }),
  }),
});

const DeleteWebhookEndpointInput = builder.inputType('DeleteWebhookEndpointInput', {
  description: 'The endpoint to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The endpoint’s id (`whe_…`)' }) }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.connection({
    type: WebhookEndpoint,
    description: 'The organization’s webhook endpoints, oldest first',
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const all = await service(ctx).list(requireAuth(ctx));
      return listConnection(all, request, (e) => e.id);
    },
  }),
);

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreateWebhookEndpointPayload,
    description: 'Registers an endpoint; the signing secret is in the payload, and only there.',
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true, description: 'The endpoint to register' }) },
    errors: { types: [ValidationError], union: { name: 'CreateWebhookEndpointResult' } },
    resolve: (_r, { input }, ctx) => service(ctx).create(requireAuth(ctx), input),
  }),
  deleteWebhookEndpoint: t.field({
    type: DeleteWebhookEndpointPayload,
    description: 'Deletes an endpoint and its delivery log.',
    args: { input: t.arg({ type: DeleteWebhookEndpointInput, required: true, description: 'The endpoint to delete' }) },
    errors: { types: [NotFoundError], union: { name: 'DeleteWebhookEndpointResult' } },
    resolve: async (_r, { input }, ctx) => {
      await service(ctx).remove(requireAuth(ctx), String(input.id));
      return { id: String(input.id) };
    },
  }),
}));
