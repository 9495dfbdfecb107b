import { createHash } from 'node:crypto';

/** A 52-bit digest of an address: counting distinct contacts without holding every string. */
export function emailKey(email: string): number {
  return createHash('sha1').update(email).digest().readUIntBE(0, 6) >>> 0 || 1;
}
