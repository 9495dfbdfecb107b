import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CredentialUnsealError } from './sealed-credential.js';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface GcmBox {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** AES-256-GCM with a fresh random 96-bit IV (keys here encrypt few messages, so random IVs are safe). */
export function gcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad: Buffer): GcmBox {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Opens a box or throws CredentialUnsealError; the full 16-byte tag is required (no truncation). */
export function gcmDecrypt(key: Uint8Array, box: GcmBox, aad: Buffer): Buffer {
  if (key.length !== KEY_BYTES || box.iv.length !== IV_BYTES || box.tag.length !== TAG_BYTES) {
    throw new CredentialUnsealError();
  }
  const parts: Buffer[] = [];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(box.tag);
    parts.push(decipher.update(box.ciphertext));
    parts.push(decipher.final());
    return Buffer.concat(parts);
  } catch {
    throw new CredentialUnsealError();
  } finally {
    for (const part of parts) part.fill(0);
  }
}
