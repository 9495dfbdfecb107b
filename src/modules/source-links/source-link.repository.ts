import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { RecordKind } from '../../model/record-kinds.js';
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/queryable.js';

/**
 * A source id as the links keep it. Specs type ids as any string, and the primary key cannot
 * hold one of a few thousand random characters (it failed the whole job), so a long one is kept
 * by its digest: still one key per id, and the same on every run.
 */
const LONGEST_KEPT_ID = 512;
export const storedSourceId = (sourceId: string) =>
  sourceId.length <= LONGEST_KEPT_ID ? sourceId : `sha256:${createHash('sha256').update(sourceId).digest('hex')}`;

/** Source id → local id, looked up by the source's own ids (long ones by their digest). */
export class LocalIds extends Map<string, string> {
  override get(sourceId: string): string | undefined {
    return super.get(storedSourceId(sourceId));
  }

  override has(sourceId: string): boolean {
    return super.has(storedSourceId(sourceId));
  }
}

/** Whose links these are: a source id is only unique within one organization and provider. */
export interface SourceLinkScope {
  organizationId: string;
  provider: KnownSource;
}

/**
 * Records that a source record became a local one. The first link wins, so an import that runs
 * again (or resumes) finds the record it made before rather than making another.
 */
export async function link(
  db: Queryable,
  scope: SourceLinkScope,
  kind: RecordKind,
  sourceId: string,
  localId: string,
  migrationJobId: string,
): Promise<void> {
  await db.query(
    `insert into source_links (organization_id, provider, kind, source_id, local_id, migration_job_id)
       values ($1, $2, $3, $4, $5, $6) on conflict (organization_id, provider, kind, source_id) do nothing`,
    [scope.organizationId, scope.provider, kind, storedSourceId(sourceId), localId, migrationJobId],
  );
}

/** The migration job that linked this source record, or null when none did. */
export async function linkingJob(db: Queryable, scope: SourceLinkScope, kind: RecordKind, sourceId: string): Promise<string | null> {
  const { rows } = await db.query<{ migration_job_id: string }>(
    `select migration_job_id from source_links where organization_id = $1 and provider = $2 and kind = $3 and source_id = $4`,
    [scope.organizationId, scope.provider, kind, storedSourceId(sourceId)],
  );
  return rows[0]?.migration_job_id ?? null;
}

export async function linkedId(db: Queryable, scope: SourceLinkScope, kind: RecordKind, sourceId: string): Promise<string | null> {
  const { rows } = await db.query<{ local_id: string }>(
    `select local_id from source_links where organization_id = $1 and provider = $2 and kind = $3 and source_id = $4`,
    [scope.organizationId, scope.provider, kind, storedSourceId(sourceId)],
  );
  return rows[0]?.local_id ?? null;
}

/** Source id → local id for every record of one kind. */
export async function localIds(db: Queryable, scope: SourceLinkScope, kind: RecordKind): Promise<LocalIds> {
  const { rows } = await db.query<{ source_id: string; local_id: string }>(
    `select source_id, local_id from source_links where organization_id = $1 and provider = $2 and kind = $3`,
    [scope.organizationId, scope.provider, kind],
  );
  return new LocalIds(rows.map((r) => [r.source_id, r.local_id]));
}
