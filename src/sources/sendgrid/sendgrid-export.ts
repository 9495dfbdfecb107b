import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import { SourceError } from '../source-types.js';
import { RetryBudget } from '../shared/retry-budget.js';
import { CsvRowReader } from '../shared/csv-rows.js';
import { decoded } from '../shared/decoded-bytes.js';
import type { SendGridHttp } from './sendgrid-http.js';
import { parseBody } from './sendgrid-pagination.js';
import { wireExportJob, wireExportStarted } from './sendgrid-wire.js';

/** How long an export may take before we give up on it. */
export const EXPORT_MAX_WAIT_MS = 30 * 60_000;
const POLL_MIN_MS = 250;
const POLL_MAX_MS = 5_000;

export type ExportJob = z.infer<typeof wireExportJob>;

/** Starts an export (all contacts, or one list's) and waits until its files are ready. */
export async function runExport(http: SendGridHttp, listIds: string[] | null, signal?: AbortSignal): Promise<ExportJob> {
  const path = '/v3/marketing/contacts/exports';
  const body = listIds ? { list_ids: listIds, file_type: 'csv' } : { file_type: 'csv' };
  const { id } = parseBody(`POST ${path}`, wireExportStarted, await http.post(path, body));
  return waitForExport(http, id, signal);
}

async function waitForExport(http: SendGridHttp, id: string, signal?: AbortSignal): Promise<ExportJob> {
  const path = `/v3/marketing/contacts/exports/${encodeURIComponent(id)}`;
  const deadline = Date.now() + EXPORT_MAX_WAIT_MS;
  for (let wait = POLL_MIN_MS; ; wait = Math.min(POLL_MAX_MS, wait * 2)) {
    const job = parseBody(`GET ${path}`, wireExportJob, await http.get(path));
    if (job.status === 'ready') {
      // Without its file links (absent, or not a list of text) a ready export would read as
      // empty: a wrong answer, not an empty list.
      if (job.urls === undefined) {
        throw new SourceError('unexpected_response', `SendGrid contact export ${id} is ready but lists no readable file links`);
      }
      return job;
    }
    if (job.status === 'failure') {
      throw new SourceError('unavailable', `SendGrid contact export ${id} failed: ${job.message ?? 'no reason given'}`);
    }
    if (Date.now() > deadline) throw new SourceError('unavailable', `SendGrid contact export ${id} was not ready within 30 minutes`);
    await sleep(wait, undefined, { signal });
  }
}

/** Files must stay downloadable for the rest of a read; an export closer to expiry than this is made anew. */
const RESUME_MIN_VALIDITY_MS = 60 * 60_000;

/**
 * An export made earlier (a resumed import), if it is still ready and its links stay valid
 * long enough; null when it has to be made again.
 */
export async function reuseExport(http: SendGridHttp, id: string, signal?: AbortSignal): Promise<ExportJob | null> {
  try {
    const job = await waitForExport(http, id, signal);
    const expires = job.expires_at ? Date.parse(job.expires_at) : NaN;
    return Number.isFinite(expires) && expires - Date.now() > RESUME_MIN_VALIDITY_MS ? job : null;
  } catch (err) {
    if (err instanceof SourceError && (err.kind === 'not_found' || err.kind === 'unavailable')) return null;
    throw err;
  }
}

/** Rows of an export as they arrive: the file's lower-cased header, data rows, and rows that could not be read. */
export interface ExportChunk {
  columns: string[];
  rows: string[][];
  problems: string[];
}

/**
 * Streams the rows of an export's files (CSV, gzip or not) with backpressure: nothing holds the
 * export in memory. The files are downloaded without our SendGrid credentials (they are
 * pre-signed links). A file is fixed once the export is ready, so when a download is cut the
 * file is fetched again and the records already handed out are skipped; `skip` does the same
 * for a resumed import (records = data rows and unreadable rows, headers not counted).
 */
export async function* exportChunks(
  urls: string[],
  options: { skip?: number; signal?: AbortSignal; retryBudgetMs?: number; idleMs?: number } = {},
): AsyncGenerator<ExportChunk> {
  const { signal } = options;
  let toSkip = options.skip ?? 0;
  for (const [index, url] of urls.entries()) {
    const which = `export file ${index + 1} of ${urls.length}`;
    let delivered = 0;
    const budget = new RetryBudget(options.retryBudgetMs);
    for (;;) {
      budget.attempts++;
      let seen = 0;
      try {
        for await (const chunk of fileChunks(url, signal, options.idleMs)) {
          const out: ExportChunk = { columns: chunk.columns, rows: [], problems: [] };
          for (const record of chunk.records) {
            if (++seen <= delivered) continue;
            delivered++;
            if (toSkip > 0) {
              toSkip--;
              continue;
            }
            if (typeof record === 'string') out.problems.push(record);
            else out.rows.push(record);
          }
          if (out.rows.length || out.problems.length) yield out;
        }
        break;
      } catch (err) {
        if (!signal?.aborted) await budget.backoff(budget.attempts, undefined, signal);
        if (signal?.aborted || !budget.open) {
          const reason = err instanceof SourceError ? err.message : `the download was cut (${(err as Error).message})`;
          throw new SourceError('unavailable', `Reading SendGrid ${which} failed after ${budget.describe()}: ${reason}`);
        }
      }
    }
  }
}

/** One decoded piece of a file: its rows in order, a string standing for a row that could not be read. */
interface FileChunk {
  columns: string[];
  records: (string[] | string)[];
}

/**
 * A download that sends nothing for this long while we wait for it is given up (and retried
 * within the budget): a stalled connection must not hold an import for ever. Time the importer
 * spends on a batch does not count.
 */
export const DOWNLOAD_IDLE_MS = 60_000;

async function* fileChunks(url: string, signal?: AbortSignal, idleMs = DOWNLOAD_IDLE_MS): AsyncGenerator<FileChunk> {
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const waiting = (on: boolean) => {
    clearTimeout(timer);
    if (on) timer = setTimeout(() => idle.abort(new Error(`no data for ${Math.round(idleMs / 1000)} s`)), idleMs);
  };
  try {
    waiting(true);
    const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, idle.signal]) : idle.signal });
    yield* fileRecords(res, waiting);
  } finally {
    waiting(false);
  }
}

async function* fileRecords(res: Response, waiting: (on: boolean) => void): AsyncGenerator<FileChunk> {
  if (!res.ok || !res.body) {
    // Signed links answer 403 (or 404/410) once expired; anything else is the server's own failure.
    const expired = [403, 404, 410].includes(res.status) ? ' (the link has probably expired)' : '';
    throw new SourceError('unavailable', `the download answered ${res.status}${expired}`);
  }
  let columns: string[] | null = null;
  let records: (string[] | string)[] = [];
  const reader = new CsvRowReader({
    row(fields) {
      if (!columns) columns = fields.map((h) => h.trim().toLowerCase());
      else if (fields.length > columns.length) records.push(`a row with ${fields.length} fields under a header of ${columns.length}`);
      else records.push(fields);
    },
    problem: (p) => records.push(`unreadable CSV (file row ${p.row}): ${p.reason}`),
  });
  const decoder = new StringDecoder('utf8');
  const take = (): FileChunk | null => {
    if (!records.length || !columns) return null;
    const chunk = { columns, records };
    records = [];
    return chunk;
  };
  const bytes = decoded(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream))[Symbol.asyncIterator]();
  for (;;) {
    waiting(true);
    const next = await bytes.next();
    waiting(false);
    if (next.done) break;
    reader.push(decoder.write(next.value));
    const chunk = take();
    if (chunk) yield chunk;
  }
  reader.push(decoder.end());
  reader.end();
  const last = take();
  if (last) yield last;
}
