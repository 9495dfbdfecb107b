import { builder } from '../../graphql/builder.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { BrowseRepository, type AudienceRow, type ContactRow, type DnsRecord, type DomainRow } from './browse.repository.js';

const repo = (ctx: GraphQLContext) => new BrowseRepository(ctx.em);

const DnsRecordRef = builder.objectRef<DnsRecord>('DnsRecord').implement({
  description: 'A DNS record of a domain as the source listed it.',
  fields: (t) => ({
    record: t.exposeString('record', { description: 'What it is for (SPF, DKIM, MX, ...)' }),
    name: t.exposeString('name'),
    type: t.exposeString('type', { description: 'TXT, MX, CNAME, ...' }),
    value: t.exposeString('value'),
    ttl: t.exposeString('ttl', { nullable: true }),
    priority: t.exposeInt('priority', { nullable: true }),
    status: t.exposeString('status', { nullable: true, description: 'Its verification status at the source' }),
  }),
});

const Domain = builder.objectRef<DomainRow>('Domain');
builder.node(Domain, {
  description: 'A sending domain imported from a source (verification is done again here).',
  id: { resolve: (d) => d.id },
  loadOne: (id, ctx) => repo(ctx).domain(requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    name: t.exposeString('name'),
    sourceProvider: t.string({ nullable: true, description: 'Where it came from', resolve: (d) => d.source_provider }),
    sourceStatus: t.string({ nullable: true, description: 'Status at the source provider', resolve: (d) => d.source_status }),
    region: t.string({ nullable: true, description: 'Sending region at the source', resolve: (d) => d.region }),
    verificationStatus: t.string({ description: 'Verification on this platform', resolve: (d) => d.verification_status }),
    dnsRecords: t.field({ type: [DnsRecordRef], description: 'The records the source listed', resolve: (d) => d.dns_records }),
    createdAt: t.field({ type: 'DateTime', resolve: (d) => new Date(d.created_at) }),
  }),
});

const Audience = builder.objectRef<AudienceRow>('Audience');
builder.node(Audience, {
  description: 'An audience: imported from a source audience, segment or list.',
  id: { resolve: (a) => a.id },
  loadOne: (id, ctx) => repo(ctx).audience(requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    name: t.exposeString('name'),
    sourceProvider: t.string({ nullable: true, description: 'Where it came from', resolve: (a) => a.source_provider }),
    contactCount: t.int({ description: 'Its members', resolve: (a) => a.contact_count }),
    createdAt: t.field({ type: 'DateTime', resolve: (a) => new Date(a.created_at) }),
  }),
});

const Contact = builder.objectRef<ContactRow>('Contact');
builder.node(Contact, {
  description: 'A contact of the organization.',
  id: { resolve: (c) => c.id },
  loadOne: (id, ctx) => repo(ctx).contact(requireAuth(ctx).organizationId, id),
  fields: (t) => ({
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

builder.queryFields((t) => ({
  domains: t.connection({
    type: Domain,
    description: 'The organization’s domains, by id',
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await repo(ctx).domains(requireAuth(ctx).organizationId, request);
      return toConnection(page.rows, request, (d) => d.id, page.totalCount);
    },
  }),
  audiences: t.connection({
    type: Audience,
    description: 'The organization’s audiences, by id',
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await repo(ctx).audiences(requireAuth(ctx).organizationId, request);
      return toConnection(page.rows, request, (a) => a.id, page.totalCount);
    },
  }),
  contacts: t.connection({
    type: Contact,
    description: 'The organization’s contacts, or one audience’s members, by id',
    args: { audienceId: t.arg.id({ description: 'Only members of this audience' }) },
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await repo(ctx).contacts(requireAuth(ctx).organizationId, { ...request, audienceId: args.audienceId ? String(args.audienceId) : null });
      return toConnection(page.rows, request, (c) => c.id, page.totalCount);
    },
  }),
}));
