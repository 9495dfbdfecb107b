import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse';
import { SourceError } from '../source-types.js';
import type { SendGridHttp } from './sendgrid-http.js';

/** How long an export may take before we give up on it. */
export const EXPORT_MAX_WAIT_MS = 30 * 60_000;
const POLL_MIN_MS = 250;
const POLL_MAX_MS = 5_000;
const GZIP_MAGIC = [0x1f, 0x8b];

interface ExportJob {
  id: string;
  status: 'pending' | 'ready' | 'failure';
  urls?: string[];
  message?: string;
  contact_count?: number;
}

/** Starts an export (all contacts, or one list's) and waits until its files are ready. */
export async function runExport(http: SendGridHttp, listIds: string[] | null, signal?: AbortSignal): Promise<ExportJob> {
  const body = listIds ? { list_ids: listIds, file_type: 'csv' } : { file_type: 'csv' };
  const { id } = await http.post<{ id: string }>('/v3/marketing/contacts/exports', body);
  const deadline = Date.now() + EXPORT_MAX_WAIT_MS;
  for (let wait = POLL_MIN_MS; ; wait = Math.min(POLL_MAX_MS, wait * 2)) {
    const job = await http.get<ExportJob>(`/v3/marketing/contacts/exports/${encodeURIComponent(id)}`);
    if (job.status === 'ready') return job;
    if (job.status === 'failure') {
      throw new SourceError('unavailable', `SendGrid contact export ${id} failed: ${job.message ?? 'no reason given'}`);
    }
    if (Date.now() > deadline) throw new SourceError('unavailable', `SendGrid contact export ${id} was not ready within 30 minutes`);
    await sleep(wait, undefined, { signal });
  }
}

/**
 * The body as a stream of decoded bytes: gunzipped when it starts with the gzip magic bytes
 * (some exports arrive uncompressed). Stages are joined with `pipeline`, so an error in any of
 * them (a cut download, corrupt gzip) reaches the reader instead of crashing the process.
 */
async function decodedStages(body: Readable): Promise<NodeJS.ReadableStream[] | Readable[]> {
  const chunks = body[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return [Readable.from([])];
  const head = Buffer.from(first.value as Uint8Array);
  const rest = Readable.from(
    (async function* () {
      yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
    })(),
  );
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1] ? [rest, createGunzip()] : [rest];
}

/** Attempts to read one export file; a cut download resumes after the rows already read. */
export const EXPORT_FILE_ATTEMPTS = 4;

/**
 * Streams the rows of an export's files (CSV, gzip or not) as lower-cased column → value
 * records, with backpressure: nothing holds the export in memory. The files are downloaded
 * without our SendGrid credentials (they are pre-signed links). A file is fixed once the export
 * is ready, so when a download is cut the file is fetched again and the rows already handed out
 * are skipped.
 */
export async function* exportRows(urls: string[], signal?: AbortSignal): AsyncGenerator<Record<string, string>> {
  for (const url of urls) {
    let delivered = 0;
    for (let attempt = 1; ; attempt++) {
      let seen = 0;
      try {
        for await (const row of fileRows(url, signal)) {
          if (++seen <= delivered) continue;
          delivered++;
          yield row;
        }
        break;
      } catch (err) {
        if (signal?.aborted || attempt >= EXPORT_FILE_ATTEMPTS) {
          throw new SourceError('unavailable', `Reading a SendGrid export file failed after ${attempt} attempts: ${(err as Error).message}`);
        }
        await sleep(POLL_MIN_MS * 2 ** attempt, undefined, { signal });
      }
    }
  }
}

async function* fileRows(url: string, signal?: AbortSignal): AsyncGenerator<Record<string, string>> {
  const res = await fetch(url, { signal });
  if (!res.ok || !res.body) {
    throw new SourceError('unavailable', `SendGrid export file download answered ${res.status} (the link may have expired)`);
  }
  const stages = await decodedStages(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream));
  const parser = parse({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), relax_column_count: true, bom: true });
  const done = pipeline([...stages, parser] as unknown as [Readable, ...NodeJS.WritableStream[]]).catch((err: Error) => {
    parser.destroy(err);
  });
  for await (const record of parser) yield record as Record<string, string>;
  await done;
}
