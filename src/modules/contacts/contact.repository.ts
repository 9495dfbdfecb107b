import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { notFound, validationError } from '../../errors/app-error.js';
import type { Page, PageRequest } from '../../graphql/pagination.js';

/** Reads go through the request's entity manager (`?` placeholders). Writes: contact-bulk-writer.ts. */
type Reader = Pick<EntityManager, 'execute'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const contactRowSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    email_display: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    unsubscribed: z.boolean(),
    audience_unsubscribed: z.boolean().nullable(),
    custom_fields: z.record(z.string(), z.json()).nullable(),
    migration_job_id: z.string().nullable(),
    created_at: z.coerce.date(),
    updated_at: z.coerce.date(),
  })
  .transform((c) => ({
    id: c.id,
    email: c.email,
    emailDisplay: c.email_display,
    firstName: c.first_name,
    lastName: c.last_name,
    unsubscribed: c.unsubscribed,
    /** Its membership's opt-out when read as a member of one audience; null otherwise. */
    audienceUnsubscribed: c.audience_unsubscribed,
    customFields: c.custom_fields ?? {},
    migrationJobId: c.migration_job_id,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  }));
export type ContactRecord = z.infer<typeof contactRowSchema>;
const contactRows = z.array(contactRowSchema);

const COLUMNS = 'c.id, c.email, c.email_display, c.first_name, c.last_name, c.unsubscribed, c.custom_fields, c.migration_job_id, c.created_at, c.updated_at';

/**
 * The contact queries over the large tables, by name, so `npm run bench` can check their plans at
 * a million contacts (keyset pages must stay index range scans, never scans of the table). A
 * filter left null folds away when the query is planned, which is always with its values (the
 * entity manager inlines them; the bench sends them to an unnamed statement): `? is null or …`
 * costs nothing when unused.
 * - by id: the organization's contacts (`contacts_org_id_key`), or one job's
 *   (`contacts_migration_idx`);
 * - by membership: one audience's members (`audience_members` primary key);
 * - by email: an email prefix, as a range of `contacts_org_email_key` (bytewise: `collate "C"`).
 */
export const BROWSE_SQL = {
  /** organization, after, after, migration, migration, unsubscribed, unsubscribed, limit */
  contactsPage: `select ${COLUMNS}, null::boolean as audience_unsubscribed from contacts c
    where c.organization_id = ? and (?::uuid is null or c.id > ?::uuid)
      and (?::text is null or c.migration_job_id = ?)
      and (?::boolean is null or c.unsubscribed = ?)
    order by c.id limit ?`,
  /** organization, migration, migration, unsubscribed, unsubscribed */
  contactsCount: `select count(*)::int as count from contacts c
    where c.organization_id = ? and (?::text is null or c.migration_job_id = ?)
      and (?::boolean is null or c.unsubscribed = ?)`,
  /** audience, after, after, migration, migration, unsubscribed, unsubscribed, limit */
  audienceContactsPage: `select ${COLUMNS}, m.unsubscribed as audience_unsubscribed
     from audience_members m join contacts c on c.organization_id = m.organization_id and c.id = m.contact_id
    where m.audience_id = ? and (?::uuid is null or m.contact_id > ?::uuid)
      and (?::text is null or c.migration_job_id = ?)
      and (?::boolean is null or (c.unsubscribed or m.unsubscribed) = ?)
    order by m.contact_id limit ?`,
  /** audience, migration, migration, unsubscribed, unsubscribed */
  audienceContactsCount: `select count(*)::int as count from audience_members m
    where m.audience_id = ?
      and (?::text is null or exists (
        select 1 from contacts c where c.organization_id = m.organization_id and c.id = m.contact_id and c.migration_job_id = ?))
      and (?::boolean is null or (m.unsubscribed or exists (
        select 1 from contacts c where c.organization_id = m.organization_id and c.id = m.contact_id and c.unsubscribed)) = ?)`,
  /** audience, organization, from, to, to, after, after, audience, migration, migration, unsubscribed, unsubscribed, limit */
  emailPrefixPage: `select ${COLUMNS}, m.unsubscribed as audience_unsubscribed
     from contacts c left join audience_members m on m.audience_id = ? and m.organization_id = c.organization_id and m.contact_id = c.id
    where c.organization_id = ? and c.email >= ? and (?::text is null or c.email < ?)
      and (?::text is null or c.email > ?)
      and (?::text is null or m.audience_id is not null)
      and (?::text is null or c.migration_job_id = ?)
      and (?::boolean is null or (c.unsubscribed or coalesce(m.unsubscribed, false)) = ?)
    order by c.email limit ?`,
  /** audience, organization, from, to, to, audience, migration, migration, unsubscribed, unsubscribed */
  emailPrefixCount: `select count(*)::int as count
     from contacts c left join audience_members m on m.audience_id = ? and m.organization_id = c.organization_id and m.contact_id = c.id
    where c.organization_id = ? and c.email >= ? and (?::text is null or c.email < ?)
      and (?::text is null or m.audience_id is not null)
      and (?::text is null or c.migration_job_id = ?)
      and (?::boolean is null or (c.unsubscribed or coalesce(m.unsubscribed, false)) = ?)`,
} as const;

/** Which contacts a page holds; every filter is optional (null). */
export interface ContactFilter {
  /** Addresses starting with this (compared lower-cased, as addresses are stored). */
  emailPrefix: string | null;
  /** Members of this audience of the organization. */
  audienceId: string | null;
  /** Unsubscribed (true) or not (false): globally, or, in an audience, from it or globally. */
  unsubscribed: boolean | null;
  /** Brought here by this migration job of the organization (the job that first imported them). */
  migrationId: string | null;
}

/** The order of a page, which decides what its cursors hold: an email, or a contact id. */
export type ContactOrder = 'email' | 'id';

/** Pages by email when a prefix is given (the prefix is a range of that order), by id otherwise. */
export const contactOrder = (filter: Pick<ContactFilter, 'emailPrefix'>): ContactOrder => (filter.emailPrefix === null ? 'id' : 'email');

/** The key a page of `order` resumes after. */
export const contactKey = (order: ContactOrder) => (c: ContactRecord) => (order === 'email' ? c.email : c.id);

/**
 * The least string above every string that starts with `prefix`, in code point order (which is
 * the byte order of UTF-8, so of `collate "C"`): the prefix with its last code point raised by
 * one (over the surrogates; U+10FFFF carries). Null when there is none: no upper bound.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length) {
    const next = points.pop()! + 1;
    if (next <= 0x10ffff) return String.fromCodePoint(...points, next === 0xd800 ? 0xe000 : next);
  }
  return null;
}

/** One contact of the organization, or null (also for an id that is no UUID). */
export async function findContact(db: Reader, organizationId: string, id: string): Promise<ContactRecord | null> {
  if (!UUID.test(id)) return null;
  const rows = await db.execute(
    `select ${COLUMNS}, null::boolean as audience_unsubscribed from contacts c where c.organization_id = ? and c.id = ?::uuid`,
    [organizationId, id],
  );
  return contactRows.parse(rows)[0] ?? null;
}

/**
 * A page of the organization's contacts matching `filter`, in the order `contactOrder` says. An
 * audience or migration job that is not the organization's is not_found.
 */
export async function pageContacts(db: Reader, organizationId: string, filter: ContactFilter, request: PageRequest): Promise<Page<ContactRecord>> {
  const { audienceId, migrationId, unsubscribed } = filter;
  if (audienceId !== null && !(await exists(db, 'select 1 from audiences where organization_id = ? and id = ?', [organizationId, audienceId]))) {
    throw notFound(`Audience ${audienceId}`);
  }
  if (migrationId !== null && !(await exists(db, 'select 1 from migration_jobs where organization_id = ? and id = ?', [organizationId, migrationId]))) {
    throw notFound(`Migration ${migrationId}`);
  }
  const after = request.afterKey;
  const limit = request.first + 1;
  const rest = [migrationId, migrationId, unsubscribed, unsubscribed];
  if (filter.emailPrefix !== null) {
    const from = filter.emailPrefix.toLowerCase();
    const to = prefixUpperBound(from);
    const rows = await db.execute(BROWSE_SQL.emailPrefixPage, [audienceId, organizationId, from, to, to, after, after, audienceId, ...rest, limit]);
    const [{ count }] = await db.execute<[{ count: number }]>(BROWSE_SQL.emailPrefixCount, [audienceId, organizationId, from, to, to, audienceId, ...rest]);
    return { rows: contactRows.parse(rows), totalCount: count };
  }
  if (after !== null && !UUID.test(after)) throw validationError('after is not a cursor of this connection', ['after']);
  if (audienceId !== null) {
    const rows = await db.execute(BROWSE_SQL.audienceContactsPage, [audienceId, after, after, ...rest, limit]);
    const [{ count }] = await db.execute<[{ count: number }]>(BROWSE_SQL.audienceContactsCount, [audienceId, ...rest]);
    return { rows: contactRows.parse(rows), totalCount: count };
  }
  const rows = await db.execute(BROWSE_SQL.contactsPage, [organizationId, after, after, ...rest, limit]);
  const [{ count }] = await db.execute<[{ count: number }]>(BROWSE_SQL.contactsCount, [organizationId, ...rest]);
  return { rows: contactRows.parse(rows), totalCount: count };
}

async function exists(db: Reader, sql: string, params: unknown[]): Promise<boolean> {
  return (await db.execute(sql, params)).length > 0;
}
