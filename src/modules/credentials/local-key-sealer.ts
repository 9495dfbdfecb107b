import { randomBytes } from 'node:crypto';
import { gcmDecrypt, gcmEncrypt, IV_BYTES, KEY_BYTES, TAG_BYTES } from './aes-gcm.js';
import {
  assertSealedCredential,
  CredentialUnsealError,
  encodeAad,
  fromBase64,
  toBase64,
  type CredentialAad,
  type CredentialSealer,
  type SealedCredential,
} from './sealed-credential.js';

/**
 * Envelope encryption under a local 32-byte key-encryption key (MIGRATE_KEK): each credential
 * gets its own random data key, which is stored wrapped by the KEK as base64(iv | tag | ct).
 * Both layers bind the same AAD, so neither can be moved to another organization or job.
 */
export class LocalKeySealer implements CredentialSealer {
  readonly #kek: Buffer;

  constructor(kek: Buffer) {
    if (kek.length !== KEY_BYTES) throw new Error(`the local KEK must be ${KEY_BYTES} bytes`);
    this.#kek = Buffer.from(kek); // own copy: the caller may wipe theirs
  }

  async seal(plaintext: string, aad: CredentialAad): Promise<SealedCredential> {
    const aadBytes = encodeAad(aad);
    const dataKey = randomBytes(KEY_BYTES);
    const secret = Buffer.from(plaintext, 'utf8');
    try {
      const box = gcmEncrypt(dataKey, secret, aadBytes);
      const wrapped = gcmEncrypt(this.#kek, dataKey, aadBytes);
      return {
        v: 1,
        alg: 'AES-256-GCM',
        kek: 'local',
        wrappedKey: toBase64(Buffer.concat([wrapped.iv, wrapped.tag, wrapped.ciphertext])),
        iv: toBase64(box.iv),
        tag: toBase64(box.tag),
        ciphertext: toBase64(box.ciphertext),
      };
    } finally {
      dataKey.fill(0);
      secret.fill(0);
    }
  }

  async unseal(sealed: SealedCredential, aad: CredentialAad): Promise<string> {
    assertSealedCredential(sealed, 'local');
    const aadBytes = encodeAad(aad);
    const wrapped = fromBase64(sealed.wrappedKey);
    if (wrapped.length !== IV_BYTES + TAG_BYTES + KEY_BYTES) throw new CredentialUnsealError();
    const dataKey = gcmDecrypt(
      this.#kek,
      {
        iv: wrapped.subarray(0, IV_BYTES),
        tag: wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
        ciphertext: wrapped.subarray(IV_BYTES + TAG_BYTES),
      },
      aadBytes,
    );
    try {
      const box = { iv: fromBase64(sealed.iv), tag: fromBase64(sealed.tag), ciphertext: fromBase64(sealed.ciphertext) };
      const secret = gcmDecrypt(dataKey, box, aadBytes);
      try {
        return secret.toString('utf8');
      } finally {
        secret.fill(0);
      }
    } finally {
      dataKey.fill(0);
    }
  }
}
