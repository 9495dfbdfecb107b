import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKmsServer, type LocalKmsServer } from './kms-server.js';

describe('local KMS server', () => {
  let server: LocalKmsServer;
  let client: KMSClient;
  beforeAll(async () => {
    server = await startKmsServer();
    client = new KMSClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  it('encrypts and decrypts under an encryption context, without recording plaintext', async () => {
    const context = { purpose: 'test' };
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({ KeyId: server.keyArn, Plaintext: Buffer.from('hello'), EncryptionContext: context }),
    );
    const out = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(out.Plaintext!).toString()).toBe('hello');
    expect(out).toMatchObject({ KeyId: server.keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(JSON.stringify(server.requests)).not.toContain(Buffer.from('hello').toString('base64'));
  });

  it('answers an unknown key with NotFoundException', async () => {
    const unknown = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000';
    await expect(client.send(new GenerateDataKeyCommand({ KeyId: unknown, KeySpec: 'AES_256' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('requires an Authorization header', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'TrentService.GenerateDataKey', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ KeyId: server.keyArn, KeySpec: 'AES_256' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });
});
