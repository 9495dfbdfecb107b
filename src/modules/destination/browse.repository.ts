import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound, validationError } from '../../errors/app-error.js';

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface DomainRow {
  id: string;
  name: string;
  source_provider: string | null;
  source_status: string | null;
  region: string | null;
  verification_status: string;
  dns_records: unknown;
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

function checkFirst(first: number) {
  if (!Number.isInteger(first) || first < 1 || first > 500) throw validationError('first must be between 1 and 500');
}

function page<T extends { id: string }>(rows: T[], first: number, totalCount: number): Page<T> {
  const nodes = rows.slice(0, first);
  const hasNextPage = rows.length > first;
  return { nodes, totalCount, hasNextPage, endCursor: hasNextPage ? (nodes.at(-1)?.id ?? null) : null };
}

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

  async domains(organizationId: string, first: number, after?: string | null): Promise<Page<DomainRow>> {
    checkFirst(first);
    const rows = await this.em.execute<DomainRow[]>(
      `select * from domains where organization_id = ? and (?::text is null or id > ?) order by id limit ?`,
      [organizationId, after ?? null, after ?? null, first + 1],
    );
    const [{ count }] = await this.em.execute<[{ count: number }]>(
      'select count(*)::int as count from domains where organization_id = ?',
      [organizationId],
    );
    return page(rows, first, count);
  }

  async audiences(organizationId: string, first: number, after?: string | null): Promise<Page<AudienceRow>> {
    checkFirst(first);
    const rows = await this.em.execute<AudienceRow[]>(
      BROWSE_SQL.audiencesPage,
      [organizationId, after ?? null, after ?? null, first + 1],
    );
    const [{ count }] = await this.em.execute<[{ count: number }]>(
      'select count(*)::int as count from audiences where organization_id = ?',
      [organizationId],
    );
    return page(rows, first, count);
  }

  /** Contacts of the organization, or of one of its audiences, ordered by id. */
  async contacts(
    organizationId: string,
    options: { audienceId?: string | null; first: number; after?: string | null },
  ): Promise<Page<ContactRow>> {
    checkFirst(options.first);
    const after = options.after ?? null;
    if (after !== null && !UUID.test(after)) throw validationError('after must be a contact id from a previous page');
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
      return page(rows, options.first, count);
    }
    const rows = await this.em.execute<ContactRow[]>(
      BROWSE_SQL.contactsPage,
      [organizationId, after, after, options.first + 1],
    );
    const [{ count }] = await this.em.execute<[{ count: number }]>(
      BROWSE_SQL.contactsCount,
      [organizationId],
    );
    return page(rows, options.first, count);
  }
}
