import {
  DecryptCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { gcmDecrypt, gcmEncrypt, KEY_BYTES } from './aes-gcm.js';
import {
  assertSealedCredential,
  CredentialUnsealError,
  encodeAad,
  encryptionContext,
  fromBase64,
  toBase64,
  type CredentialAad,
  type CredentialSealer,
  type SealedCredential,
} from './sealed-credential.js';

/**
 * KMS envelope encryption: a data key from GenerateDataKey encrypts the credential locally and
 * only its KMS CiphertextBlob is stored. The organization and job go into the EncryptionContext
 * (KMS refuses to Decrypt for another job) and into the GCM AAD.
 */
export class KmsEnvelopeSealer implements CredentialSealer {
  readonly keyId: string;
  readonly #client: KMSClient;

  constructor(options: { keyId: string; client: KMSClient }) {
    this.keyId = options.keyId;
    this.#client = options.client;
  }

  async seal(plaintext: string, aad: CredentialAad): Promise<SealedCredential> {
    const aadBytes = encodeAad(aad);
    const out = await this.#client.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(aad) }),
    );
    const dataKey = out.Plaintext;
    const secret = Buffer.from(plaintext, 'utf8');
    try {
      if (!dataKey || dataKey.length !== KEY_BYTES || !out.CiphertextBlob) {
        throw new Error('KMS GenerateDataKey did not return a 256-bit data key');
      }
      const box = gcmEncrypt(dataKey, secret, aadBytes);
      return {
        v: 1,
        alg: 'AES-256-GCM',
        kek: 'kms',
        // KMS answers with the key ARN even when given an alias: unseal must not follow the alias.
        keyId: out.KeyId ?? this.keyId,
        wrappedKey: toBase64(out.CiphertextBlob),
        iv: toBase64(box.iv),
        tag: toBase64(box.tag),
        ciphertext: toBase64(box.ciphertext),
      };
    } finally {
      dataKey?.fill(0);
      secret.fill(0);
    }
  }

  async unseal(sealed: SealedCredential, aad: CredentialAad): Promise<string> {
    assertSealedCredential(sealed, 'kms');
    const aadBytes = encodeAad(aad);
    const box = { iv: fromBase64(sealed.iv), tag: fromBase64(sealed.tag), ciphertext: fromBase64(sealed.ciphertext) };
    let dataKey: Uint8Array | undefined;
    try {
      const out = await this.#client.send(
        new DecryptCommand({
          CiphertextBlob: fromBase64(sealed.wrappedKey),
          EncryptionContext: encryptionContext(aad),
          KeyId: sealed.keyId ?? this.keyId,
        }),
      );
      dataKey = out.Plaintext;
    } catch (error) {
      // Wrong context or a tampered blob; other failures (network, access) stay as they are.
      if (error instanceof InvalidCiphertextException || error instanceof IncorrectKeyException) {
        throw new CredentialUnsealError(`KMS ${error.name}`);
      }
      throw error;
    }
    try {
      if (!dataKey) throw new CredentialUnsealError('KMS returned no data key');
      const secret = gcmDecrypt(dataKey, box, aadBytes);
      try {
        return secret.toString('utf8');
      } finally {
        secret.fill(0);
      }
    } finally {
      dataKey?.fill(0);
    }
  }
}
