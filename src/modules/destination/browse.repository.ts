import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { notFound, validationError } from '../../errors/app-error.js';
import type { PageRequest } from '../../graphql/pagination.js';

/** `first + 1` rows after the page's start (the extra one says more follow), and how many in all. */
export interface Page<T> {
  rows: T[];
  totalCount: number;
}

export interface DomainRow {
  id: string;
  name: string;
  source_provider: string | null;
  source_status: string | null;
  region: string | null;
  verification_status: string;
  dns_records: DnsRecord[];
  created_at: Date;
}

export interface AudienceRow {
  id: string;
  name: string;
  source_provider: string | null;
  contact_count: number;
  created_at: Date;
}

export interface ContactRow {
  id: string;
  email: string;
  email_display: string;
  first_name: string | null;
  last_name: string | null;
  unsubscribed: boolean;
  audience_unsubscribed: boolean | null;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
const dnsRecords = z.array(dnsRecordSchema);

/**
 * The browse queries over the large tables, by name, so `npm run bench` can check their plans
 * at a million contacts (keyset pages must stay index range scans, never scans of the table).
 */
export const BROWSE_SQL = {
  audiencesPage: `select a.*, (select count(*)::int from audience_members m where m.audience_id = a.id) as contact_count
     from audiences a where a.organization_id = ? and (?::text is null or a.id > ?) order by a.id limit ?`,
  audienceContactsPage: `select c.*, m.unsubscribed as audience_unsubscribed
     from audience_members m join contacts c on c.id = m.contact_id
    where m.audience_id = ? and (?::uuid is null or m.contact_id > ?::uuid)
    order by m.contact_id limit ?`,
  audienceContactsCount: 'select count(*)::int as count from audience_members where audience_id = ?',
  contactsPage: `select c.*, null as audience_unsubscribed from contacts c
    where c.organization_id = ? and (?::uuid is null or c.id > ?::uuid) order by c.id limit ?`,
  contactsCount: 'select count(*)::int as count from contacts where organization_id = ?',
} as const;

/** Read-only, organization-scoped, keyset-paged queries over what was imported. */
export class BrowseRepository {
  constructor(private readonly em: EntityManager) {}

  async domain(organizationId: string, id: string): Promise<DomainRow | null> {
    const [row] = await this.em.execute<DomainRow[]>('select * from domains where organization_id = ? and id = ?', [organizationId, id]);
    return row ? { ...row, dns_records: dnsRecords.parse(row.dns_records ?? []) } : null;
  }

  async audience(organizationId: string, id: string): Promise<AudienceRow | null> {
    const [row] = await this.em.execute<AudienceRow[]>(
      `select a.*, (select count(*)::int from audience_members m where m.audience_id = a.id) as contact_count
         from audiences a where a.organization_id = ? and a.id = ?`,
      [organizationId, id],
    );
    return row ?? null;
  }

  async contact(organizationId: string, id: string): Promise<ContactRow | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.em.execute<ContactRow[]>(
      'select c.*, null as audience_unsubscribed from contacts c where c.organization_id = ? and c.id = ?',
      [organizationId, id],
    );
    return row ?? null;
  }

  async domains(organizationId: string, { first, afterKey: after }: PageRequest): Promise<Page<DomainRow>> {
    const rows = (await this.em.execute<DomainRow[]>(
      `select * from domains where organization_id = ? and (?::text is null or id > ?) order by id limit ?`,
      [organizationId, after, after, first + 1],
    )).map((d) => ({ ...d, dns_records: dnsRecords.parse(d.dns_records ?? []) }));
    const [{ count }] = await this.em.execute<[{ count: number }]>(
      'select count(*)::int as count from domains where organization_id = ?',
      [organizationId],
    );
    return { rows, totalCount: count };
  }

  async audiences(organizationId: string, { first, afterKey: after }: PageRequest): Promise<Page<AudienceRow>> {
    const rows = await this.em.execute<AudienceRow[]>(
      BROWSE_SQL.audiencesPage,
      [organizationId, after, after, first + 1],
    );
    const [{ count }] = await this.em.execute<[{ count: number }]>(
      'select count(*)::int as count from audiences where organization_id = ?',
      [organizationId],
    );
    return { rows, totalCount: count };
  }

  /** Contacts of the organization, or of one of its audiences, ordered by id. */
  async contacts(
    organizationId: string,
    options: { audienceId?: string | null } & PageRequest,
  ): Promise<Page<ContactRow>> {
    const after = options.afterKey;
    if (after !== null && !UUID.test(after)) throw validationError('after is not a cursor of this connection', ['after']);
    if (options.audienceId) {
      const found = await this.em.execute('select 1 from audiences where id = ? and organization_id = ?', [
        options.audienceId,
        organizationId,
      ]);
      if (!found.length) throw notFound(`Audience ${options.audienceId}`);
      const rows = await this.em.execute<ContactRow[]>(
        BROWSE_SQL.audienceContactsPage,
        [options.audienceId, after, after, options.first + 1],
      );
      const [{ count }] = await this.em.execute<[{ count: number }]>(
        BROWSE_SQL.audienceContactsCount,
        [options.audienceId],
      );
      return { rows, totalCount: count };
    }
    const rows = await this.em.execute<ContactRow[]>(
      BROWSE_SQL.contactsPage,
      [organizationId, after, after, options.first + 1],
    );
    const [{ count }] = await this.em.execute<[{ count: number }]>(
      BROWSE_SQL.contactsCount,
      [organizationId],
    );
    return { rows, totalCount: count };
  }
}
