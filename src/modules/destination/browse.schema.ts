import type { ObjectRef } from '@pothos/core';
import { builder } from '../../graphql/builder.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { BrowseRepository, type AudienceRow, type ContactRow, type DomainRow, type Page } from './browse.repository.js';

const repo = (ctx: GraphQLContext) => new BrowseRepository(ctx.em);

const Domain = builder.objectRef<DomainRow>('Domain').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    sourceProvider: t.string({ nullable: true, resolve: (d) => d.source_provider }),
    sourceStatus: t.string({ nullable: true, description: 'Status at the source provider', resolve: (d) => d.source_status }),
    region: t.string({ nullable: true, resolve: (d) => d.region }),
    verificationStatus: t.string({ description: 'Verification on this platform', resolve: (d) => d.verification_status }),
    dnsRecords: t.field({ type: 'JSON', resolve: (d) => d.dns_records }),
    createdAt: t.field({ type: 'DateTime', resolve: (d) => new Date(d.created_at) }),
  }),
});

const Audience = builder.objectRef<AudienceRow>('Audience').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    sourceProvider: t.string({ nullable: true, resolve: (a) => a.source_provider }),
    contactCount: t.int({ resolve: (a) => a.contact_count }),
    createdAt: t.field({ type: 'DateTime', resolve: (a) => new Date(a.created_at) }),
  }),
});

const Contact = builder.objectRef<ContactRow>('Contact').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.string({ description: 'Lower-cased: the identity of the contact', resolve: (c) => c.email }),
    emailDisplay: t.string({ description: 'As the source had it', resolve: (c) => c.email_display }),
    firstName: t.string({ nullable: true, resolve: (c) => c.first_name }),
    lastName: t.string({ nullable: true, resolve: (c) => c.last_name }),
    unsubscribed: t.boolean({ description: 'Globally unsubscribed', resolve: (c) => c.unsubscribed }),
    audienceUnsubscribed: t.boolean({
      nullable: true,
      description: 'Unsubscribed from the audience it was listed under (null outside an audience)',
      resolve: (c) => c.audience_unsubscribed,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => new Date(c.created_at) }),
  }),
});

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer S> ? S : never;

function connection<T>(name: string, node: ObjectRef<BuilderTypes, T>) {
  return builder.objectRef<Page<T>>(name).implement({
    fields: (t) => ({
      nodes: t.field({ type: [node], resolve: (p) => p.nodes }),
      totalCount: t.exposeInt('totalCount'),
      hasNextPage: t.exposeBoolean('hasNextPage'),
      endCursor: t.exposeString('endCursor', { nullable: true }),
    }),
  });
}

const DomainConnection = connection<DomainRow>('DomainConnection', Domain);
const AudienceConnection = connection<AudienceRow>('AudienceConnection', Audience);
const ContactConnection = connection<ContactRow>('ContactConnection', Contact);

builder.queryFields((t) => ({
  domains: t.field({
    type: DomainConnection,
    args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.string() },
    resolve: (_r, a, ctx) => repo(ctx).domains(requireAuth(ctx).organizationId, a.first ?? 50, a.after),
  }),
  audiences: t.field({
    type: AudienceConnection,
    args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.string() },
    resolve: (_r, a, ctx) => repo(ctx).audiences(requireAuth(ctx).organizationId, a.first ?? 50, a.after),
  }),
  contacts: t.field({
    type: ContactConnection,
    args: { audienceId: t.arg.id(), first: t.arg.int({ defaultValue: 50 }), after: t.arg.string() },
    resolve: (_r, a, ctx) =>
      repo(ctx).contacts(requireAuth(ctx).organizationId, {
        audienceId: a.audienceId ? String(a.audienceId) : null,
        first: a.first ?? 50,
        after: a.after,
      }),
  }),
}));
