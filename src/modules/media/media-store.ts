import { createHash } from 'node:crypto';
import type pg from 'pg';

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
};

/** The public path of a stored asset: its SHA-256 and an extension for mail clients. */
export function mediaPath(sha256: string, contentType: string): string {
  return `/media/${sha256}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

/** Stores bytes content-addressed (the same image twice is stored once). */
export async function storeMedia(
  db: pg.PoolClient | pg.Pool,
  organizationId: string,
  bytes: Buffer,
  contentType: string,
  sourceUrl: string | null,
): Promise<{ sha256: string; inserted: boolean }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const { rowCount } = await db.query(
    `insert into media_assets (organization_id, sha256, content_type, size, bytes, source_url)
     values ($1, $2, $3, $4, $5, $6) on conflict (organization_id, sha256) do nothing`,
    [organizationId, sha256, contentType, bytes.length, bytes, sourceUrl],
  );
  return { sha256, inserted: (rowCount ?? 0) > 0 };
}
