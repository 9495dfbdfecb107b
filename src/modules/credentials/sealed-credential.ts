import { z } from 'zod';
/**
 * A source credential sealed with AES-256-GCM under a one-off data key. The data key is stored
 * only wrapped: by the local KEK (`kek: 'local'`) or by KMS (`kek: 'kms'`, envelope encryption).
 * A plain JSON object, kept as-is in a jsonb column. All binary fields are base64.
 */
export interface SealedCredential {
  v: 1;
  alg: 'AES-256-GCM';
  kek: 'local' | 'kms';
  /** KMS key ARN that wrapped the data key (kms only). */
  keyId?: string;
  /** local: base64(iv | tag | ciphertext) of the data key under the KEK; kms: the CiphertextBlob. */
  wrappedKey?: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** What a sealed secret is bound to: it unseals only for the same organization and owner. */
export interface CredentialAad {
  organizationId: string;
  /** The migration job (a source credential) or webhook endpoint (a signing secret) it belongs to. */
  ownerId: string;
}

export interface CredentialSealer {
  seal(plaintext: string, aad: CredentialAad): Promise<SealedCredential>;
  unseal(sealed: SealedCredential, aad: CredentialAad): Promise<string>;
}

/** Any failure to open a sealed credential. The message never carries plaintext or key bytes. */
export class CredentialUnsealError extends Error {
  constructor(detail?: string) {
    super(detail ? `credential could not be unsealed: ${detail}` : 'credential could not be unsealed');
    this.name = 'CredentialUnsealError';
  }
}

/**
 * The additional authenticated data: `org:<organizationId>\njob:<ownerId>` in UTF-8 (`job:` and
 * the KMS context key `jobId` predate webhook secrets; they stay so every sealed secret opens).
 * Ids must be non-empty and free of newlines so that no two (org, owner) pairs share an encoding.
 */
export function encodeAad(aad: CredentialAad): Buffer {
  for (const id of [aad.organizationId, aad.ownerId]) {
    if (typeof id !== 'string' || id.length === 0 || /[\r\n]/.test(id)) {
      throw new Error('organizationId and ownerId must be non-empty single-line strings');
    }
  }
  return Buffer.from(`org:${aad.organizationId}\njob:${aad.ownerId}`, 'utf8');
}

/** The KMS EncryptionContext: the same binding as the AAD, so KMS enforces it too. */
export function encryptionContext(aad: CredentialAad): Record<string, string> {
  encodeAad(aad); // same validation
  return { organizationId: aad.organizationId, jobId: aad.ownerId };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict base64: Node's decoder skips junk, so only the canonical encoding is accepted. */
export function fromBase64(value: unknown): Buffer {
  if (typeof value !== 'string') throw new CredentialUnsealError('malformed envelope');
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw new CredentialUnsealError('malformed envelope');
  return bytes;
}

const envelopeHeader = z.object({ v: z.unknown(), alg: z.unknown(), kek: z.unknown() });

/** Sealed credentials come back from the database: check the shape before trusting any field. */
export function assertSealedCredential(sealed: unknown, kek: SealedCredential['kek']): void {
  const s = envelopeHeader.safeParse(sealed).data;
  if (!s || s.v !== 1 || s.alg !== 'AES-256-GCM') throw new CredentialUnsealError('unsupported envelope version');
  if (s.kek !== kek) throw new CredentialUnsealError(`envelope is not sealed with the ${kek} key`);
}
