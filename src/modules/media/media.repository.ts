import type { Queryable } from '../../db/queryable.js';

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
