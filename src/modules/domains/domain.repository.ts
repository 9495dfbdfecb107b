import { newId } from '../../db/ids.js';
import type { SourceDnsRecord } from '../../sources/source-types.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../migrations/migration-job.store.js';

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
