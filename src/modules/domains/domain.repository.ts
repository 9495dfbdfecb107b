import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { newId } from '../../db/ids.js';
import type { Page, PageRequest } from '../../graphql/pagination.js';
import type { SourceDnsRecord } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../../db/queryable.js';

/** Reads go through the request's entity manager (`?` placeholders). */
type Reader = Pick<EntityManager, 'execute'>;

export interface NewDomain {
  organizationId: string;
  name: string;
  sourceProvider: KnownSource;
  sourceStatus: string;
  region: string | null;
  dnsRecords: SourceDnsRecord[];
}

/**
 * The organization's domain of this name: created, or the one already there, left as it is
 * (`created` false). A name is unique per organization, so a domain is never made twice.
 */
export async function createOrFindDomain(db: Queryable, domain: NewDomain): Promise<{ id: string; created: boolean }> {
  const inserted = await db.query<{ id: string }>(
    `insert into domains (id, organization_id, name, source_provider, source_status, region, dns_records)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (organization_id, name) do nothing returning id`,
    [
      newId('dom'),
      domain.organizationId,
      domain.name,
      domain.sourceProvider,
      domain.sourceStatus,
      domain.region,
      JSON.stringify(domain.dnsRecords),
    ],
  );
  const created = inserted.rows[0];
  if (created) return { id: created.id, created: true };
  const { rows } = await db.query<{ id: string }>('select id from domains where organization_id = $1 and name = $2', [
    domain.organizationId,
    domain.name,
  ]);
  return { id: rows[0]!.id, created: false };
}

// --- reads -----------------------------------------------------------------------------------

/** A DNS record of a domain as the source listed it (`domains.dns_records`). */
export const dnsRecordSchema = z.object({
  record: z.string(),
  name: z.string(),
  type: z.string(),
  value: z.string(),
  ttl: z.string().nullable(),
  priority: z.number().nullable(),
  status: z.string().nullable(),
});
export type DnsRecord = z.infer<typeof dnsRecordSchema>;

const domainRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    source_provider: z.string().nullable(),
    source_status: z.string().nullable(),
    region: z.string().nullable(),
    verification_status: z.string(),
    dns_records: z.array(dnsRecordSchema).nullable(),
    created_at: z.coerce.date(),
  })
  .transform((d) => ({
    id: d.id,
    name: d.name,
    sourceProvider: d.source_provider,
    sourceStatus: d.source_status,
    region: d.region,
    verificationStatus: d.verification_status,
    dnsRecords: d.dns_records ?? [],
    createdAt: d.created_at,
  }));
export type DomainRecord = z.infer<typeof domainRowSchema>;
const domainRows = z.array(domainRowSchema);

const DOMAIN_COLUMNS = 'id, name, source_provider, source_status, region, verification_status, dns_records, created_at';

/** One domain of the organization, or null. */
export async function findDomain(db: Reader, organizationId: string, id: string): Promise<DomainRecord | null> {
  const rows = await db.execute(`select ${DOMAIN_COLUMNS} from domains where organization_id = ? and id = ?`, [organizationId, id]);
  return domainRows.parse(rows)[0] ?? null;
}

/** The organization's domains by id, `first + 1` after `afterKey`. */
export async function pageDomains(db: Reader, organizationId: string, { first, afterKey }: PageRequest): Promise<Page<DomainRecord>> {
  const rows = await db.execute(
    `select ${DOMAIN_COLUMNS} from domains where organization_id = ? and (?::text is null or id > ?) order by id limit ?`,
    [organizationId, afterKey, afterKey, first + 1],
  );
  const [{ count }] = await db.execute<[{ count: number }]>('select count(*)::int as count from domains where organization_id = ?', [organizationId]);
  return { rows: domainRows.parse(rows), totalCount: count };
}
