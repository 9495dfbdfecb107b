import { randomBytes } from 'node:crypto';

/** A prefixed, random, URL-safe id such as `mig_3k9Xw…` (16 random bytes). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
