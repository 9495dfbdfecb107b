import { KMSClient } from '@aws-sdk/client-kms';
import { KmsEnvelopeSealer } from './kms-envelope-sealer.js';
import { LocalKeySealer } from './local-key-sealer.js';
import { CredentialUnsealError, type CredentialSealer } from './sealed-credential.js';

export type { CredentialAad, CredentialSealer, SealedCredential } from './sealed-credential.js';
export { CredentialUnsealError, encodeAad } from './sealed-credential.js';
export { LocalKeySealer } from './local-key-sealer.js';
export { KmsEnvelopeSealer } from './kms-envelope-sealer.js';

export interface CredentialSealerSettings {
  /** base64 of 32 random bytes */
  MIGRATE_KEK?: string;
  /** KMS key ARN; when set, new credentials are sealed with KMS data keys */
  MIGRATE_KEK_ARN?: string;
  KMS_ENDPOINT?: string;
  AWS_REGION: string;
}

/**
 * Seals with KMS when MIGRATE_KEK_ARN is set, else with the local KEK. Unsealing follows the
 * envelope, not the current setting, so credentials sealed before a switch still open: 'local'
 * ones need MIGRATE_KEK, 'kms' ones a reachable KMS (the key ARN is stored in the envelope).
 */
export function createCredentialSealer(settings: CredentialSealerSettings): CredentialSealer {
  const local = settings.MIGRATE_KEK ? localSealer(settings.MIGRATE_KEK) : undefined;
  const keyArn = settings.MIGRATE_KEK_ARN || undefined;
  if (!local && !keyArn) {
    throw new Error(
      'No credential key configured: set MIGRATE_KEK (base64 of 32 random bytes) or MIGRATE_KEK_ARN (a KMS key ARN)',
    );
  }
  let client: KMSClient | undefined;
  const kmsSealer = (keyId: string) =>
    new KmsEnvelopeSealer({ keyId, client: (client ??= createKmsClient(settings)) });
  const sealer: CredentialSealer = keyArn ? kmsSealer(keyArn) : local!;

  return {
    seal: (plaintext, aad) => sealer.seal(plaintext, aad),
    async unseal(sealed, aad) {
      if (sealed?.kek === 'local') {
        if (!local) throw new Error('credential was sealed with the local key, but MIGRATE_KEK is not configured');
        return local.unseal(sealed, aad);
      }
      if (sealed?.kek === 'kms') {
        const keyId = sealed.keyId ?? keyArn;
        if (!keyId) throw new CredentialUnsealError('KMS envelope without a key id');
        return kmsSealer(keyId).unseal(sealed, aad);
      }
      throw new CredentialUnsealError('unknown key kind');
    },
  };
}

function localSealer(kekBase64: string): LocalKeySealer {
  const kek = Buffer.from(kekBase64, 'base64');
  try {
    if (kek.length !== 32) throw new Error('MIGRATE_KEK must be base64 of exactly 32 bytes');
    return new LocalKeySealer(kek);
  } finally {
    kek.fill(0); // the sealer keeps its own copy
  }
}

function createKmsClient(settings: CredentialSealerSettings): KMSClient {
  if (!settings.KMS_ENDPOINT) return new KMSClient({ region: settings.AWS_REGION });
  // A local KMS (tests) ignores signatures; static placeholders keep the default chain out of it.
  return new KMSClient({
    region: settings.AWS_REGION,
    endpoint: settings.KMS_ENDPOINT,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
