import type { Queryable } from '../../db/queryable.js';

export interface NewMediaAsset {
  organizationId: string;
  sha256: string;
  contentType: string;
  bytes: Buffer;
  sourceUrl: string | null;
}

/** False when the organization already stores these bytes (same sha256): the first copy is kept. */
export async function insertMediaAsset(db: Queryable, asset: NewMediaAsset): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into media_assets (organization_id, sha256, content_type, size, bytes, source_url)
     values ($1, $2, $3, $4, $5, $6) on conflict (organization_id, sha256) do nothing`,
    [asset.organizationId, asset.sha256, asset.contentType, asset.bytes.length, asset.bytes, asset.sourceUrl],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Records that a job brought these stored images; returns how many it had not recorded before.
 * That count is the job's image tally, so an image used by several templates counts once.
 */
export async function recordJobMedia(db: Queryable, jobId: string, sha256s: string[]): Promise<number> {
  if (!sha256s.length) return 0;
  const { rowCount } = await db.query('insert into import_media (job_id, sha256) select $1, unnest($2::text[]) on conflict do nothing', [
    jobId,
    sha256s,
  ]);
  return rowCount ?? 0;
}

/** A re-hosted file by its digest (media is shared: the same bytes are stored once). */
export async function findMediaAsset(db: Queryable, sha256: string): Promise<{ contentType: string; bytes: Buffer } | null> {
  const { rows } = await db.query<{ content_type: string; bytes: Buffer }>('select content_type, bytes from media_assets where sha256 = $1 limit 1', [sha256]);
  return rows[0] ? { contentType: rows[0].content_type, bytes: rows[0].bytes } : null;
}
