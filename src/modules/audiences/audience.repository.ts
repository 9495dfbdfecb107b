import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { newId } from '../../db/ids.js';
import type { Page, PageRequest } from '../../graphql/pagination.js';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { Queryable } from '../../db/queryable.js';

export interface NewAudience {
  organizationId: string;
  name: string;
  sourceProvider: KnownSource;
}

/** Creates an audience and returns its id. Names are not unique: an import finds its audience by source link. */
export async function createAudience(db: Queryable, audience: NewAudience): Promise<string> {
  const id = newId('aud');
  await db.query(`insert into audiences (id, organization_id, name, source_provider) values ($1, $2, $3, $4)`, [
    id,
    audience.organizationId,
    audience.name,
    audience.sourceProvider,
  ]);
  return id;
}

// --- reads -----------------------------------------------------------------------------------

/** Reads go through the request's entity manager (`?` placeholders). */
type Reader = Pick<EntityManager, 'execute'>;

const audienceRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    source_provider: z.string().nullable(),
    created_at: z.coerce.date(),
    contact_count: z.number().int().optional(),
  })
  .transform((a) => ({
    id: a.id,
    name: a.name,
    sourceProvider: a.source_provider,
    createdAt: a.created_at,
    /** Counted with the page when listing audiences; otherwise counted when asked (`countMembers`). */
    contactCount: a.contact_count,
  }));
export type AudienceRecord = z.infer<typeof audienceRowSchema>;
const audienceRows = z.array(audienceRowSchema);

/**
 * The audience queries `npm run bench` checks the plans of at a million contacts (beside the
 * contact queries of contact.repository.ts).
 */
export const AUDIENCE_SQL = {
  audiencesPage: `select a.id, a.name, a.source_provider, a.created_at,
           (select count(*)::int from audience_members m where m.audience_id = a.id) as contact_count
      from audiences a where a.organization_id = ? and (?::text is null or a.id > ?) order by a.id limit ?`,
  audienceMemberCount: 'select count(*)::int as count from audience_members where audience_id = ?',
} as const;

/** One audience of the organization, or null. */
export async function findAudience(db: Reader, organizationId: string, id: string): Promise<AudienceRecord | null> {
  const rows = await db.execute('select id, name, source_provider, created_at from audiences where organization_id = ? and id = ?', [organizationId, id]);
  return audienceRows.parse(rows)[0] ?? null;
}

/** The organization's audiences by id, each with its member count. */
export async function pageAudiences(db: Reader, organizationId: string, { first, afterKey }: PageRequest): Promise<Page<AudienceRecord>> {
  const rows = await db.execute(AUDIENCE_SQL.audiencesPage, [organizationId, afterKey, afterKey, first + 1]);
  const [{ count }] = await db.execute<[{ count: number }]>('select count(*)::int as count from audiences where organization_id = ?', [organizationId]);
  return { rows: audienceRows.parse(rows), totalCount: count };
}

/** How many contacts are members of the audience (of the organization: 0 for another's). */
export async function countMembers(db: Reader, organizationId: string, audienceId: string): Promise<number> {
  const [{ count }] = await db.execute<[{ count: number }]>(
    'select count(*)::int as count from audience_members where audience_id = ? and organization_id = ?',
    [audienceId, organizationId],
  );
  return count;
}

/** A contact's membership of one audience. */
export interface MembershipRecord {
  audience: AudienceRecord;
  /** Opted out of this audience only (the legacy per-audience flag). */
  unsubscribed: boolean;
  createdAt: Date;
}

const membershipRowSchema = z
  .object({
    audience_id: z.string(),
    name: z.string(),
    source_provider: z.string().nullable(),
    audience_created_at: z.coerce.date(),
    unsubscribed: z.boolean(),
    created_at: z.coerce.date(),
  })
  .transform((m): MembershipRecord => ({
    audience: { id: m.audience_id, name: m.name, sourceProvider: m.source_provider, createdAt: m.audience_created_at, contactCount: undefined },
    unsubscribed: m.unsubscribed,
    createdAt: m.created_at,
  }));
const membershipRows = z.array(membershipRowSchema);

/** The audiences a contact of the organization is a member of, by audience id. */
export async function pageMemberships(
  db: Reader,
  organizationId: string,
  contactId: string,
  { first, afterKey }: PageRequest,
): Promise<Page<MembershipRecord>> {
  const rows = await db.execute(
    `select m.audience_id, a.name, a.source_provider, a.created_at as audience_created_at, m.unsubscribed, m.created_at
       from audience_members m join audiences a on a.organization_id = m.organization_id and a.id = m.audience_id
      where m.organization_id = ? and m.contact_id = ?::uuid and (?::text is null or m.audience_id > ?)
      order by m.audience_id limit ?`,
    [organizationId, contactId, afterKey, afterKey, first + 1],
  );
  const [{ count }] = await db.execute<[{ count: number }]>(
    'select count(*)::int as count from audience_members where organization_id = ? and contact_id = ?::uuid',
    [organizationId, contactId],
  );
  return { rows: membershipRows.parse(rows), totalCount: count };
}
