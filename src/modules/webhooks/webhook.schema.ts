import { builder } from '../../graphql/builder.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { WebhookEndpointService, type WebhookDeliveryRow, type WebhookEndpointRow } from './webhook-endpoint.service.js';

const service = (ctx: GraphQLContext) => new WebhookEndpointService(ctx.em, ctx.services);

const WebhookDelivery = builder.objectRef<WebhookDeliveryRow>('WebhookDelivery').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Also the webhook-id header: stable across retries' }),
    event: t.exposeString('event'),
    status: t.exposeString('status'),
    attempts: t.exposeInt('attempts'),
    lastStatusCode: t.int({ nullable: true, resolve: (d) => d.last_status_code }),
    lastError: t.string({ nullable: true, resolve: (d) => d.last_error }),
    createdAt: t.field({ type: 'DateTime', resolve: (d) => new Date(d.created_at) }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => (d.delivered_at ? new Date(d.delivered_at) : null) }),
  }),
});

const WebhookEndpoint = builder.objectRef<WebhookEndpointRow>('WebhookEndpoint').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    events: t.exposeStringList('events'),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => new Date(e.created_at) }),
    deliveries: t.field({
      type: [WebhookDelivery],
      description: 'Newest first',
      args: { first: t.arg.int({ defaultValue: 20 }) },
      resolve: (e, { first }, ctx) => service(ctx).deliveries(requireAuth(ctx), e.id, first ?? 20),
    }),
  }),
});

const CreatedWebhookEndpoint = builder
  .objectRef<{ endpoint: WebhookEndpointRow; secret: string }>('CreatedWebhookEndpoint')
  .implement({
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpoint, resolve: (r) => r.endpoint }),
      secret: t.exposeString('secret', { description: 'Standard Webhooks signing secret; shown only this once' }),
    }),
  });

builder.queryField('webhookEndpoints', (t) =>
  t.field({ type: [WebhookEndpoint], resolve: (_r, _a, ctx) => service(ctx).list(requireAuth(ctx)) }),
);

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreatedWebhookEndpoint,
    description: 'Events: migration.scan_completed, migration.completed, migration.failed.',
    args: { url: t.arg.string(), events: t.arg.stringList() },
    resolve: (_r, args, ctx) => service(ctx).create(requireAuth(ctx), args),
  }),
  deleteWebhookEndpoint: t.field({
    type: 'Boolean',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => service(ctx).remove(requireAuth(ctx), String(id)),
  }),
}));
