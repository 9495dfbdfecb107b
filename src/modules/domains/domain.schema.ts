import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { findDomain, pageDomains, type DnsRecord, type DomainRecord } from './domain.repository.js';

const DnsRecordRef = builder.objectRef<DnsRecord>('DnsRecord').implement({
  description: 'A DNS record of a domain as the source listed it.',
  fields: (t) => ({
    record: t.exposeString('record', { description: 'What it is for (SPF, DKIM, MX, ...)' }),
    name: t.exposeString('name', { description: 'The record’s name, relative to the domain' }),
    type: t.exposeString('type', { description: 'TXT, MX, CNAME, ...' }),
    value: t.exposeString('value', { description: 'The record’s value' }),
    ttl: t.exposeString('ttl', { nullable: true, description: 'Its TTL as the source gave it ("Auto", seconds)' }),
    priority: t.exposeInt('priority', { nullable: true, description: 'MX priority' }),
    status: t.exposeString('status', { nullable: true, description: 'Its verification status at the source' }),
  }),
});

export const DomainRef = builder.objectRef<DomainRecord>('Domain');

builder.node(DomainRef, {
  description: 'A sending domain imported from a source (verification is done again here).',
  id: { resolve: (d) => d.id, description: 'Its id (`dom_…`)' },
  loadOne: (id, ctx) => findDomain(ctx.em, requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The domain name, unique in the organization' }),
    sourceProvider: t.exposeString('sourceProvider', { nullable: true, description: 'Where it came from' }),
    sourceStatus: t.exposeString('sourceStatus', { nullable: true, description: 'Status at the source provider' }),
    region: t.exposeString('region', { nullable: true, description: 'Sending region at the source' }),
    verificationStatus: t.exposeString('verificationStatus', { description: 'Verification on this platform' }),
    dnsRecords: t.field({ type: [DnsRecordRef], description: 'The records the source listed', resolve: (d) => d.dnsRecords }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was imported' }),
  }),
});

builder.queryFields((t) => ({
  domains: t.connection({
    type: DomainRef,
    description: 'The organization’s domains, by id',
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await pageDomains(ctx.em, requireAuth(ctx).organizationId, request);
      return toConnection(page.rows, request, (d) => d.id, page.totalCount);
    },
  }),
}));
