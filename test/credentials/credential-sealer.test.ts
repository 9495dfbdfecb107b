import { randomBytes } from 'node:crypto';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredentialSealer,
  CredentialUnsealError,
  LocalKeySealer,
  type SealedCredential,
} from '../../src/modules/credentials/credential-sealer.js';
import { startKmsServer, type LocalKmsServer } from '../kms/kms-server.js';

const SECRET = 're_live_9f8e7d6c5b4a3928171605f4e3d2c1b0-ünïcødé';
const AAD = { organizationId: 'org_abc', ownerId: 'mig_123' };

/** Base64 of the secret at each of the three byte alignments, so no slice of it can hide. */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [0, 1, 2].map((skip) => {
    const encoded = bytes.subarray(skip).toString('base64');
    return encoded.slice(0, encoded.length - 4); // drop the padded tail, which depends on the end
  });
}

/** Flips one bit of a base64 field, keeping it valid base64. */
function flipBit(sealed: SealedCredential, field: 'iv' | 'tag' | 'ciphertext' | 'wrappedKey'): SealedCredential {
  const bytes = Buffer.from(sealed[field]!, 'base64');
  bytes[0]! ^= 0x01;
  return { ...sealed, [field]: bytes.toString('base64') };
}

async function expectUnsealError(promise: Promise<unknown>, secret = SECRET): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CredentialUnsealError);
  expect((error as Error).message).toMatch(/^credential could not be unsealed/);
  expect((error as Error).message).not.toContain(secret);
}

describe('LocalKeySealer', () => {
  const kek = randomBytes(32);
  const sealer = new LocalKeySealer(kek);

  it('round-trips a credential for the same organization and job', async () => {
    const sealed = await sealer.seal(SECRET, AAD);
    expect(sealed).toMatchObject({ v: 1, alg: 'AES-256-GCM', kek: 'local' });
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(sealed.wrappedKey!, 'base64')).toHaveLength(12 + 16 + 32);
    // survives the jsonb round trip
    const stored = JSON.parse(JSON.stringify(sealed)) as SealedCredential;
    await expect(sealer.unseal(stored, AAD)).resolves.toBe(SECRET);
    await expect(sealer.unseal(await sealer.seal('', AAD), AAD)).resolves.toBe('');
  });

  it('refuses another organization or job', async () => {
    const sealed = await sealer.seal(SECRET, AAD);
    await expectUnsealError(sealer.unseal(sealed, { ...AAD, organizationId: 'org_other' }));
    await expectUnsealError(sealer.unseal(sealed, { ...AAD, ownerId: 'mig_other' }));
  });

  it('refuses tampered ciphertext, tag, iv or wrapped key, and a different KEK', async () => {
    const sealed = await sealer.seal(SECRET, AAD);
    for (const field of ['ciphertext', 'tag', 'iv', 'wrappedKey'] as const) {
      await expectUnsealError(sealer.unseal(flipBit(sealed, field), AAD));
    }
    await expectUnsealError(sealer.unseal({ ...sealed, tag: sealed.tag.slice(0, 12) }, AAD)); // truncated tag
    await expectUnsealError(sealer.unseal({ ...sealed, ciphertext: `${sealed.ciphertext}!` }, AAD)); // not base64
    await expectUnsealError(new LocalKeySealer(randomBytes(32)).unseal(sealed, AAD));
  });

  it('gives two different envelopes for the same plaintext', async () => {
    const [a, b] = await Promise.all([sealer.seal(SECRET, AAD), sealer.seal(SECRET, AAD)]);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
  });

  it('never stores the plaintext, its base64 or the KEK', async () => {
    const json = JSON.stringify(await sealer.seal(SECRET, AAD));
    expect(json).not.toContain(SECRET);
    for (const form of base64Forms(SECRET)) expect(json).not.toContain(form);
    expect(json).not.toContain(kek.toString('base64'));
  });
});

describe('createCredentialSealer', () => {
  it('throws a clear error when no key is configured', () => {
    expect(() => createCredentialSealer({ AWS_REGION: 'us-east-1' })).toThrow(/MIGRATE_KEK.*MIGRATE_KEK_ARN/);
  });

  it('rejects a local KEK that is not 32 bytes', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => createCredentialSealer({ MIGRATE_KEK: short, AWS_REGION: 'us-east-1' })).toThrow(/32 bytes/);
  });

  it('uses the local KEK when no KMS key is set', async () => {
    const sealer = createCredentialSealer({ MIGRATE_KEK: randomBytes(32).toString('base64'), AWS_REGION: 'us-east-1' });
    const sealed = await sealer.seal(SECRET, AAD);
    expect(sealed.kek).toBe('local');
    await expect(sealer.unseal(sealed, AAD)).resolves.toBe(SECRET);
  });
});

describe('KMS envelope sealing against a local KMS', () => {
  let server: LocalKmsServer;
  beforeAll(async () => {
    server = await startKmsServer();
  });
  afterAll(() => server?.close());

  const kmsSettings = () => ({ MIGRATE_KEK_ARN: server.keyArn, KMS_ENDPOINT: server.url, AWS_REGION: 'us-east-1' });

  it('round-trips through GenerateDataKey and Decrypt, storing only the wrapped key', async () => {
    const sealer = createCredentialSealer(kmsSettings());
    server.requests.length = 0;

    const sealed = await sealer.seal(SECRET, AAD);
    expect(Object.keys(sealed).sort()).toEqual(['alg', 'ciphertext', 'iv', 'kek', 'keyId', 'tag', 'v', 'wrappedKey']);
    expect(sealed).toMatchObject({ v: 1, alg: 'AES-256-GCM', kek: 'kms', keyId: server.keyArn });
    await expect(sealer.unseal(JSON.parse(JSON.stringify(sealed)), AAD)).resolves.toBe(SECRET);

    const context = { organizationId: AAD.organizationId, jobId: AAD.ownerId };
    expect(server.requests).toEqual([
      { target: 'TrentService.GenerateDataKey', body: { KeyId: server.keyArn, KeySpec: 'AES_256', EncryptionContext: context } },
      { target: 'TrentService.Decrypt', body: { CiphertextBlob: sealed.wrappedKey, KeyId: server.keyArn, EncryptionContext: context } },
    ]);

    // The stored envelope holds the CiphertextBlob, never the plaintext data key or secret.
    const client = new KMSClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { Plaintext: dataKey } = await client.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(sealed.wrappedKey!, 'base64'), EncryptionContext: context }),
    );
    client.destroy();
    expect(dataKey).toHaveLength(32);
    const json = JSON.stringify(sealed);
    expect(json).not.toContain(Buffer.from(dataKey!).toString('base64'));
    expect(json).not.toContain(SECRET);
    for (const form of base64Forms(SECRET)) expect(json).not.toContain(form);
  });

  it('fails to unseal with another job or organization (KMS rejects the context)', async () => {
    const sealer = createCredentialSealer(kmsSettings());
    const sealed = await sealer.seal(SECRET, AAD);
    server.requests.length = 0;

    await expectUnsealError(sealer.unseal(sealed, { ...AAD, ownerId: 'mig_other' }));
    await expectUnsealError(sealer.unseal(sealed, { ...AAD, organizationId: 'org_other' }));
    await expect(sealer.unseal(sealed, { ...AAD, ownerId: 'mig_other' })).rejects.toThrow(/InvalidCiphertextException/);
    expect(server.requests.slice(0, 2).map((r) => r.body.EncryptionContext)).toEqual([
      { organizationId: AAD.organizationId, jobId: 'mig_other' },
      { organizationId: 'org_other', jobId: AAD.ownerId },
    ]);
  });

  it('refuses a tampered wrapped key or ciphertext', async () => {
    const sealer = createCredentialSealer(kmsSettings());
    const sealed = await sealer.seal(SECRET, AAD);
    await expectUnsealError(sealer.unseal(flipBit(sealed, 'wrappedKey'), AAD));
    await expectUnsealError(sealer.unseal(flipBit(sealed, 'ciphertext'), AAD));
  });

  it('unseals by the envelope kind, whatever is configured now', async () => {
    const kek = randomBytes(32).toString('base64');
    const localOnly = createCredentialSealer({ MIGRATE_KEK: kek, KMS_ENDPOINT: server.url, AWS_REGION: 'us-east-1' });
    const kmsAndLocal = createCredentialSealer({ ...kmsSettings(), MIGRATE_KEK: kek });

    const sealedLocally = await localOnly.seal(SECRET, AAD);
    const sealedByKms = await kmsAndLocal.seal(SECRET, AAD);
    expect([sealedLocally.kek, sealedByKms.kek]).toEqual(['local', 'kms']);

    await expect(kmsAndLocal.unseal(sealedLocally, AAD)).resolves.toBe(SECRET);
    await expect(localOnly.unseal(sealedByKms, AAD)).resolves.toBe(SECRET);
    await expect(createCredentialSealer(kmsSettings()).unseal(sealedLocally, AAD)).rejects.toThrow(
      /MIGRATE_KEK is not configured/,
    );
  });
});
