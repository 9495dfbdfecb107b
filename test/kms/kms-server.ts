import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for AWS KMS, enough for @aws-sdk/client-kms: the AWS JSON 1.1 protocol
 * (POST / with `x-amz-target: TrentService.<Operation>`) for GenerateDataKey, Encrypt and Decrypt.
 * One symmetric key held in memory; ciphertext blobs are AES-256-GCM under it with the key id and
 * the EncryptionContext as AAD, so Decrypt with another context fails like real KMS
 * (InvalidCiphertextException). SigV4 is not verified, but an Authorization header is required.
 */
export interface LocalKmsServer {
  url: string;
  keyArn: string;
  /** Every authenticated request in order; `Plaintext` is removed from the recorded bodies. */
  requests: { target: string; body: any }[];
  close(): Promise<void>;
}

const JSON_11 = 'application/x-amz-json-1.1';
const BLOB_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startKmsServer(options: { port?: number } = {}): Promise<LocalKmsServer> {
  const keyUuid = randomUUID();
  const keyArn = `arn:aws:kms:us-east-1:111122223333:key/${keyUuid}`;
  const masterKey = randomBytes(32);
  const requests: LocalKmsServer['requests'] = [];

  function resolveKey(keyId: unknown): void {
    if (keyId !== keyArn && keyId !== keyUuid) throw new KmsError('NotFoundException', `Key '${String(keyId)}' does not exist`);
  }

  // Blob: [version][key uuid, 36 ASCII bytes][iv][tag][ciphertext]; header and context are AAD.
  function blobAad(header: Buffer, context: unknown): Buffer {
    return Buffer.concat([header, Buffer.from(canonicalContext(context), 'utf8')]);
  }

  function wrap(plaintext: Buffer, context: unknown): Buffer {
    const header = Buffer.concat([Buffer.from([BLOB_VERSION]), Buffer.from(keyUuid, 'ascii')]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(blobAad(header, context));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), ct]);
  }

  function unwrap(blob: Buffer, context: unknown): Buffer {
    const headerLength = 1 + keyUuid.length;
    const invalid = new KmsError('InvalidCiphertextException', 'The ciphertext is invalid or was encrypted under a different context');
    if (blob.length <= headerLength + IV_BYTES + TAG_BYTES || blob[0] !== BLOB_VERSION) throw invalid;
    const header = blob.subarray(0, headerLength);
    if (header.subarray(1).toString('ascii') !== keyUuid) throw invalid;
    const iv = blob.subarray(headerLength, headerLength + IV_BYTES);
    const tag = blob.subarray(headerLength + IV_BYTES, headerLength + IV_BYTES + TAG_BYTES);
    const aad = blobAad(header, context); // a malformed context is a ValidationException, not bad ciphertext
    try {
      const decipher = createDecipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(blob.subarray(headerLength + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw invalid;
    }
  }

  const operations: Record<string, (body: any) => object> = {
    GenerateDataKey(body) {
      resolveKey(body.KeyId);
      const bytes = body.KeySpec === 'AES_256' ? 32 : body.KeySpec === 'AES_128' ? 16 : body.NumberOfBytes;
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) {
        throw new KmsError('ValidationException', 'Specify either KeySpec or NumberOfBytes');
      }
      const plaintext = randomBytes(bytes);
      const blob = wrap(plaintext, body.EncryptionContext);
      return { CiphertextBlob: blob.toString('base64'), Plaintext: plaintext.toString('base64'), KeyId: keyArn };
    },
    Encrypt(body) {
      resolveKey(body.KeyId);
      const plaintext = decodeBlob(body.Plaintext, 'Plaintext');
      if (plaintext.length < 1 || plaintext.length > 4096) throw new KmsError('ValidationException', 'Plaintext must be 1 to 4096 bytes');
      const blob = wrap(plaintext, body.EncryptionContext);
      return { CiphertextBlob: blob.toString('base64'), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    Decrypt(body) {
      if (body.KeyId !== undefined) resolveKey(body.KeyId);
      const plaintext = unwrap(decodeBlob(body.CiphertextBlob, 'CiphertextBlob'), body.EncryptionContext);
      return { Plaintext: plaintext.toString('base64'), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };

  async function handle(req: IncomingMessage): Promise<object> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('TrentService.') ? operations[target.slice('TrentService.'.length)] : undefined;
    if (req.method !== 'POST' || !operation) throw new KmsError('UnknownOperationException', `Unknown operation ${target}`);
    if (!req.headers.authorization) {
      throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    if (!String(req.headers['content-type'] ?? '').startsWith(JSON_11)) {
      throw new KmsError('SerializationException', `Content-Type must be ${JSON_11}`);
    }
    let body: any;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
    } catch {
      throw new KmsError('SerializationException', 'Request body is not valid JSON');
    }
    const { Plaintext: _secret, ...recorded } = body ?? {};
    requests.push({ target, body: recorded });
    return operation(body ?? {});
  }

  const server = createServer((req, res) => {
    handle(req).then(
      (result) => send(res, 200, result),
      (error: unknown) => {
        const e = error instanceof KmsError ? error : new KmsError('KMSInternalException', 'Internal error', 500);
        send(res, e.status, { __type: e.type, message: e.message }, { 'x-amzn-ErrorType': e.type });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    keyArn,
    requests,
    async close() {
      server.closeAllConnections(); // the SDK keeps sockets alive
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(json),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(json);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1 << 20) throw new KmsError('ValidationException', 'Request too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function decodeBlob(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || value.length === 0) throw new KmsError('ValidationException', `${field} is required`);
  return Buffer.from(value, 'base64');
}

/** Order-independent encoding of the EncryptionContext (KMS treats it as a set of pairs). */
function canonicalContext(context: unknown): string {
  if (context === undefined || context === null) return '[]';
  if (typeof context !== 'object' || Object.values(context).some((v) => typeof v !== 'string')) {
    throw new KmsError('ValidationException', 'EncryptionContext must map strings to strings');
  }
  return JSON.stringify(Object.entries(context as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
