import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { AppError, InvalidStatusError, notFound, validationError } from '../../errors/app-error.js';
import { newId } from '../../db/ids.js';
import type { AuthContext } from '../api-keys/api-key.service.js';
import type { Env } from '../../config/env.js';
import { MigrationJobStore, type MigrationJob } from '../migrations/migration-job.store.js';
import { CsvRowReader } from '../../sources/shared/csv-rows.js';
import { decoded } from '../../sources/shared/decoded-bytes.js';
import { emailProblem, normalizeEmail } from '../../sources/shared/email.js';
import { SeenEmails } from '../imports/seen-emails.js';
import { planFor, UnrecognizedHeader, type RowPlan, type UploadRequest } from './upload-formats.js';
import * as uploads from './upload.repository.js';
import type { MigrationUpload, StagedRow, UploadProblem } from './upload.repository.js';

/** Bytes are stored in pieces of this size while they arrive (a cut upload resumes after the last). */
const CHUNK_BYTES = 1 << 20;
/** Records staged per COPY while a file is read. */
const STAGE_BATCH = 5_000;
/** Row problems an upload lists in full (all are counted). */
const LISTED_PROBLEMS = 100;

/** A job takes uploads until its import starts: in review, or failed (a retry reads them). */
const OPEN_STATUSES = new Set(['ready_for_review', 'failed']);

/** The file cannot be read as what it says it is: answered 422 with the line and the reason. */
class MalformedFile extends Error {}

/** The request body broke off (the client went away): the bytes before `offset` are kept. */
export class UploadCut extends Error {
  constructor(uploadId: string, readonly offset: number, cause: Error) {
    super(`The upload was cut short at byte ${offset}; send the rest with PATCH /v1/migrate/…/uploads/${uploadId} and Upload-Offset: ${offset}`, { cause });
    this.name = 'UploadCut';
  }
}

export interface UploadOutcome {
  upload: MigrationUpload;
  /** False while bytes are missing (the request was cut, or `Upload-Length` says more follow). */
  complete: boolean;
}

/**
 * Uploads into a migration: created, fed bytes (resumably, at a byte offset), then read once,
 * whole, into records: a file that cannot be read is refused with its line and reason and
 * nothing of it is kept. Rows are kept only until the job completes.
 */
export class UploadService {
  private readonly jobs: MigrationJobStore;

  constructor(private readonly services: { pool: pg.Pool; env: Pick<Env, 'UPLOAD_MAX_BYTES'> }) {
    this.jobs = new MigrationJobStore(services.pool);
  }

  async list(auth: AuthContext, jobId: string): Promise<MigrationUpload[]> {
    await this.job(auth, jobId);
    return uploads.listUploads(this.services.pool, auth.organizationId, jobId);
  }

  async get(auth: AuthContext, jobId: string, uploadId: string): Promise<MigrationUpload> {
    const upload = await uploads.findUpload(this.services.pool, auth.organizationId, jobId, uploadId);
    if (!upload) throw notFound(`Upload ${uploadId} of migration job ${jobId}`);
    return upload;
  }

  async create(auth: AuthContext, jobId: string, input: { filename: string | null; request: UploadRequest; expectedBytes: number | null }): Promise<MigrationUpload> {
    const job = await this.openJob(auth, jobId);
    if (input.expectedBytes !== null && input.expectedBytes > this.services.env.UPLOAD_MAX_BYTES) throw this.tooLarge();
    return uploads.insertUpload(this.services.pool, {
      id: newId('upl'),
      organization_id: auth.organizationId,
      job_id: job.id,
      filename: input.filename,
      request: input.request,
      expected_bytes: input.expectedBytes,
    });
  }

  async remove(auth: AuthContext, jobId: string, uploadId: string): Promise<void> {
    await this.openJob(auth, jobId);
    const upload = await this.get(auth, jobId, uploadId);
    await uploads.deleteUpload(this.services.pool, upload.id);
  }

  /**
   * Stores `body` at `offset` (where the upload stands). When the bytes are all there (the body
   * ended and no `expected_bytes` remain), reads the file; a body cut short keeps what arrived.
   */
  async receive(auth: AuthContext, jobId: string, uploadId: string, offset: number, body: AsyncIterable<Uint8Array>): Promise<UploadOutcome> {
    const job = await this.openJob(auth, jobId);
    let upload = await this.get(auth, jobId, uploadId);
    if (upload.status === 'ready') throw new InvalidStatusError(`Upload ${uploadId} is complete; upload a new file to replace it`);
    if (offset !== upload.received_bytes) {
      throw new InvalidStatusError(`Upload ${uploadId} stands at byte ${upload.received_bytes}; send the rest from there (Upload-Offset: ${upload.received_bytes})`);
    }
    const { pool, env } = this.services;
    let at = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (!pendingBytes) return;
      const bytes = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (!(await uploads.appendChunk(pool, upload.id, at, bytes))) throw new InvalidStatusError(`Upload ${uploadId} was changed by another request meanwhile`);
      at += bytes.length;
    };
    const pieces = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await pieces.next();
      } catch (err) {
        // The client went away mid-file: what arrived is kept, and it resumes from there.
        await flush();
        throw new UploadCut(uploadId, at, err as Error);
      }
      if (next.done) break;
      const piece = next.value;
      const total = at + pendingBytes + piece.length;
      if (total > env.UPLOAD_MAX_BYTES || (upload.expected_bytes !== null && total > upload.expected_bytes)) {
        await uploads.deleteUpload(pool, upload.id);
        throw total <= env.UPLOAD_MAX_BYTES
          ? validationError(`The file is longer than the ${upload.expected_bytes} bytes announced for it; the upload was discarded`)
          : this.tooLarge();
      }
      pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
      pendingBytes += piece.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    upload = await this.get(auth, jobId, uploadId);
    if (upload.expected_bytes !== null && upload.received_bytes < upload.expected_bytes) return { upload, complete: false };
    if (upload.received_bytes === 0) {
      await uploads.deleteUpload(pool, upload.id);
      throw validationError('The file is empty; the upload was discarded');
    }
    return { upload: await this.read(job, upload), complete: true };
  }

  /** Reads the stored bytes once, whole, into records, in one transaction; a malformed file keeps nothing. */
  private async read(job: MigrationJob, upload: MigrationUpload): Promise<MigrationUpload> {
    const client = await this.services.pool.connect();
    try {
      await client.query('begin');
      const outcome = await readFile(client, job, upload);
      const ready = await uploads.markReady(client, upload.id, outcome);
      await client.query('commit');
      return ready;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      if (err instanceof MalformedFile || err instanceof UnrecognizedHeader) {
        await uploads.deleteUpload(this.services.pool, upload.id);
        throw validationError(`${err.message}; nothing of the file was imported and the upload was discarded`);
      }
      throw err;
    } finally {
      client.release();
    }
  }

  private tooLarge() {
    return new AppError('payload_too_large', `An upload may be at most ${this.services.env.UPLOAD_MAX_BYTES} bytes (as sent; gzip it to send more)`);
  }

  private async job(auth: AuthContext, jobId: string): Promise<MigrationJob> {
    const job = await this.jobs.find({ id: jobId, organizationId: auth.organizationId });
    if (!job) throw notFound(`Migration job ${jobId}`);
    return job;
  }

  private async openJob(auth: AuthContext, jobId: string): Promise<MigrationJob> {
    const job = await this.job(auth, jobId);
    if (!OPEN_STATUSES.has(job.status)) {
      throw new InvalidStatusError(`Migration job ${jobId} is ${job.status}: files can be uploaded while it is ready_for_review (or failed, before a retry)`);
    }
    return job;
  }
}

/** The whole file through the CSV reader into staged records, with its row problems. */
async function readFile(client: pg.PoolClient, job: MigrationJob, upload: MigrationUpload) {
  let plan: RowPlan | null = null;
  let width = 0;
  let seq = 0;
  let rowCount = 0;
  let problemCount = 0;
  let fatal: string | null = null;
  let staged: StagedRow[] = [];
  const problems: UploadProblem[] = [];
  const seen = new SeenEmails();
  let line = 0;
  const problem = (at: number, reason: string) => {
    problemCount++;
    if (problems.length < LISTED_PROBLEMS) problems.push({ line: at, reason });
  };
  const reader = new CsvRowReader({
    row(fields) {
      line++;
      if (fatal) return;
      if (!plan) {
        plan = planFor(fields, job.source, upload.request);
        width = fields.length;
        return;
      }
      if (fields.length > width) {
        fatal = `line ${line}: ${fields.length} fields under a header of ${width} (a comma outside quotes?)`;
        return;
      }
      rowCount++;
      for (const record of plan.read(fields)) {
        if ('problem' in record) {
          problem(line, record.problem);
          continue;
        }
        const email = normalizeEmail(record.email);
        const bad = emailProblem(email);
        if (bad) {
          problem(line, `${bad}${record.email ? ` (${record.email.slice(0, 80)})` : ''}`);
          continue;
        }
        if ('contact' in record) {
          if (seen.has(email)) {
            problem(line, `${email} appears again; its first row is used`);
            continue;
          }
          seen.add(email);
          staged.push({ seq: seq++, line, email, data: record.contact });
        } else staged.push({ seq: seq++, line, email, data: record.suppression });
      }
    },
    problem: (p) => void (fatal ??= `line ${p.row}: ${p.reason}`),
  });
  const text = new StringDecoder('utf8');
  const stage = async () => {
    if (fatal) throw new MalformedFile(fatal);
    if (staged.length < STAGE_BATCH) return;
    await uploads.stageRows(client, upload.id, staged);
    staged = [];
  };
  try {
    for await (const bytes of decoded(uploads.readChunks(client, upload.id))) {
      reader.push(text.write(bytes));
      await stage();
    }
  } catch (err) {
    if (err instanceof MalformedFile || err instanceof UnrecognizedHeader) throw err;
    // zlib's errors: the bytes are not the gzip they start as.
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new MalformedFile(`the file is not valid gzip (${(err as Error).message})`);
    throw err;
  }
  reader.push(text.end());
  reader.end();
  await stage();
  await uploads.stageRows(client, upload.id, staged);
  const read = plan as RowPlan | null;
  if (!read) throw new MalformedFile('line 1: the file has no header row');
  if (rowCount === 0) throw new MalformedFile('the file has a header row and no records');
  return { format: read.format, content: read.content, rowCount, columns: read.columns, problemCount, problems };
}
