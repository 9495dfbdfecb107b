import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/queryable.js';
import { insertMediaAsset } from './media.repository.js';

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
  db: Queryable,
  organizationId: string,
  bytes: Buffer,
  contentType: string,
  sourceUrl: string | null,
): Promise<{ sha256: string; inserted: boolean }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const inserted = await insertMediaAsset(db, { organizationId, sha256, contentType, bytes, sourceUrl });
  return { sha256, inserted };
}
