import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];
const DECODE_CHUNK_BYTES = 64 * 1024;

/**
 * The body as decoded bytes: gunzipped when it starts with the gzip magic bytes (some exports
 * arrive uncompressed; a customer's upload may be either). Stages are joined with `pipeline`,
 * so an error in any of them (a cut download, corrupt gzip) reaches the reader instead of
 * crashing the process.
 */
export async function* decoded(body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const chunks = body[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return;
  const head = Buffer.from(first.value as Uint8Array);
  const whole = (async function* () {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
  })();
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield* whole;
    return;
  }
  const rest = Readable.from(whole);
  const gunzip = createGunzip({ chunkSize: DECODE_CHUNK_BYTES });
  const done = pipeline(rest, gunzip).catch((err: Error) => gunzip.destroy(err));
  yield* gunzip;
  await done;
}
