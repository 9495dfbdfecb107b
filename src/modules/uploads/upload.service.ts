import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
import { AppError, InvalidStatusError, notFound, validationError } from '../../errors/app-error.js';
import { newId } from '../../db/ids.js';
import type { AuthContext } from '../api-keys/api-key.service.js';
import type { Env } from '../../config/env.js';
import { MigrationJobStore, type MigrationJob } from '../migrations/migration-job.store.js';
import { CsvRowReader } from '../../sources/shared/csv-rows.js';
import { decoded } from '../../sources/shared/decoded-bytes.js';
import { emailProblem, normalizeEmail } from '../../sources/shared/email.js';
import { SeenEmails } from '../imports/seen-emails.js';
import type { FieldMapping } from '../../model/import-options.js';
import type { UploadedWork } from '../migrations/migration-options.js';
import { givenName, planFor, uploadedFields, UnrecognizedHeader, type RowPlan, type UploadRequest } from './upload-formats.js';
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
    if (input.filename !== null && !givenName(255).safeParse(input.filename).success) throw validationError('filename must be 1–255 characters without control characters', ['filename']);
    if (input.expectedBytes !== null && input.expectedBytes > this.services.env.UPLOAD_MAX_BYTES) throw tooLarge(this.services.env.UPLOAD_MAX_BYTES);
    await this.checkDeclaredFields(job, uploadedFields(input.request));
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
   * ended and no `expected_bytes` remain), the file is read; a body cut short keeps what arrived.
   * A file sent from its start is read while it arrives (a malformed one is refused at its bad
   * line, before the rest is sent); a resumed one is read back from what was stored.
   */
  async receive(auth: AuthContext, jobId: string, uploadId: string, offset: number, body: AsyncIterable<Uint8Array>): Promise<UploadOutcome> {
    const job = await this.openJob(auth, jobId);
    const upload = await this.get(auth, jobId, uploadId);
    if (upload.status === 'ready') throw new InvalidStatusError(`Upload ${uploadId} is complete; upload a new file to replace it`);
    if (offset !== upload.received_bytes) {
      throw new InvalidStatusError(`Upload ${uploadId} stands at byte ${upload.received_bytes}; send the rest from there (Upload-Offset: ${upload.received_bytes})`);
    }
    const store = new ChunkStore(this.services, upload, offset);
    if (offset === 0) return this.readFile(job, upload, store.receive(body));
    try {
      for await (const piece of store.receive(body)) void piece;
    } catch (err) {
      if (!(err instanceof MoreToCome)) throw err;
      return { upload: await this.get(auth, jobId, uploadId), complete: false };
    }
    return this.readFile(job, upload, uploads.readChunks(this.services.pool, upload.id));
  }

  /**
   * Reads the file into records in one transaction; a malformed file keeps nothing, and is
   * discarded. Bytes that stop short of the announced length leave the upload receiving.
   */
  private async readFile(job: MigrationJob, upload: MigrationUpload, bytes: AsyncIterable<Uint8Array>): Promise<UploadOutcome> {
    const { pool } = this.services;
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('begin');
      const outcome = await readRecords(client, job, upload, bytes);
      const ready = await uploads.markReady(client, upload.id, outcome);
      await client.query('commit');
      await uploads.refreshStatistics(client);
      return { upload: ready, complete: true };
    } catch (err) {
      // The connection may be inside a COPY: it is closed rather than reused.
      failure = err as Error;
      if (err instanceof MoreToCome) return { upload: (await uploads.findUpload(pool, upload.organization_id, upload.job_id, upload.id))!, complete: false };
      if (err instanceof MalformedFile || err instanceof UnrecognizedHeader) {
        await uploads.deleteUpload(pool, upload.id);
        throw validationError(`${err.message}; nothing of the file was imported and the upload was discarded`);
      }
      if (err instanceof AppError && err.code !== 'invalid_status') await uploads.deleteUpload(pool, upload.id);
      throw err;
    } finally {
      client.release(failure);
    }
  }

  /** New custom fields a generic mapping declares: created at approval, so before it, and once per name. */
  private async checkDeclaredFields(job: MigrationJob, declared: FieldMapping[]): Promise<void> {
    if (!declared.length) return;
    const refuse = (reason: string) => validationError(`mapping.properties: ${reason}`, ['mapping', 'properties']);
    if (job.importOptions) throw refuse('new custom fields are created when a migration is approved, and this one was; map the column onto a property of the account');
    for (const field of declared) {
      const property = job.scanResult?.customFields.find((p) => p.key.toLowerCase() === field.fieldName.toLowerCase());
      if (property) throw refuse(`the account has the property “${property.key}”: map the column onto its key instead of declaring the field ${field.fieldName}`);
    }
    for (const other of await uploads.listUploads(this.services.pool, job.organizationId, job.id)) {
      for (const theirs of uploadedFields(other.request)) {
        const mine = declared.find((f) => f.sourceFieldId === theirs.sourceFieldId);
        if (mine && mine.fieldType !== theirs.fieldType) throw refuse(`the upload ${other.id} declares the field ${theirs.fieldName} as ${theirs.fieldType}, not ${mine.fieldType}`);
      }
    }
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

/** What the job's ready uploads add to its import (read at approval, and again when an import is retried). */
export async function uploadedWork(db: Queryable, jobId: string): Promise<UploadedWork> {
  const fields = new Map<string, FieldMapping>();
  for (const upload of await uploads.readyUploads(db, jobId)) for (const f of uploadedFields(upload.request)) fields.set(f.sourceFieldId, f);
  return { fields: [...fields.values()], suppressionRecords: await uploads.suppressionRecordCount(db, jobId) };
}

/** PostgreSQL text (and jsonb) cannot hold NUL: dropped, as the importer drops it from provider data. */
const withoutNul = (text: string) => (text.includes('\0') ? text.replaceAll('\0', '') : text);

const tooLarge = (limit: number) => new AppError('payload_too_large', `An upload may be at most ${limit} bytes (as sent; gzip it to send more)`);

/** The bytes arrived short of the announced length: nothing is read until the rest comes. */
class MoreToCome extends Error {}

/**
 * Stores an upload's bytes as they pass, in pieces of CHUNK_BYTES at their offset, and enforces
 * the size limits. What arrived before a cut is kept (the upload resumes there).
 */
class ChunkStore {
  private at: number;
  private inFlight: Promise<void> = Promise.resolve();
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly services: { pool: pg.Pool; env: Pick<Env, 'UPLOAD_MAX_BYTES'> },
    private readonly upload: MigrationUpload,
    offset: number,
  ) {
    this.at = offset;
  }

  /** Whether all the announced bytes (or, with none announced, the whole body) arrived. */
  get complete(): boolean {
    return this.upload.expected_bytes === null || this.at >= this.upload.expected_bytes;
  }

  /** The body's pieces, each stored on its way through; at the end, MoreToCome if bytes are missing. */
  async *receive(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const { pool, env } = this.services;
    const expected = this.upload.expected_bytes;
    const pieces = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await pieces.next();
      } catch (err) {
        // The client went away mid-file: what arrived is kept, and it resumes from there.
        await this.settle();
        throw new UploadCut(this.upload.id, this.at, err as Error);
      }
      if (next.done) break;
      const piece = next.value;
      const total = this.at + this.pendingBytes + piece.length;
      if (total > env.UPLOAD_MAX_BYTES || (expected !== null && total > expected)) {
        await this.inFlight.catch(() => {});
        await uploads.deleteUpload(pool, this.upload.id);
        throw total <= env.UPLOAD_MAX_BYTES
          ? validationError(`The file is longer than the ${expected} bytes announced for it; the upload was discarded`)
          : tooLarge(env.UPLOAD_MAX_BYTES);
      }
      this.pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
      this.pendingBytes += piece.length;
      if (this.pendingBytes >= CHUNK_BYTES) await this.flush();
      yield piece;
    }
    await this.settle();
    if (!this.complete) throw new MoreToCome();
    if (this.at === 0) throw validationError('The file is empty; the upload was discarded');
  }

  /**
   * Starts storing what is pending; one write is in flight at a time (so chunks land in order)
   * while the caller goes on reading and parsing. `settle` waits for the last.
   */
  private async flush(): Promise<void> {
    await this.inFlight;
    if (!this.pendingBytes) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    const offset = this.at;
    this.pending = [];
    this.pendingBytes = 0;
    this.at += bytes.length;
    this.inFlight = uploads.appendChunk(this.services.pool, this.upload.id, offset, bytes).then((moved) => {
      if (!moved) throw new InvalidStatusError(`Upload ${this.upload.id} was changed by another request meanwhile`);
    });
    // Seen by the next flush or settle; never an unhandled rejection meanwhile.
    this.inFlight.catch(() => {});
  }

  private async settle(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }
}

/** The whole file through the CSV reader into staged records (one COPY), with its row problems. */
async function readRecords(client: pg.PoolClient, job: MigrationJob, upload: MigrationUpload, bytes: AsyncIterable<Uint8Array>) {
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
  const copy = uploads.stagingCopy(client, upload.id);
  const stage = async (all = false) => {
    if (fatal) throw new MalformedFile(fatal);
    if (staged.length < STAGE_BATCH && !all) return;
    await copy.write(staged);
    staged = [];
  };
  try {
    for await (const piece of decoded(bytes)) {
      reader.push(withoutNul(text.write(piece)));
      await stage();
    }
  } catch (err) {
    // zlib's errors: the bytes are not the gzip they start as.
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new MalformedFile(`the file is not valid gzip (${(err as Error).message})`);
    throw err;
  }
  reader.push(withoutNul(text.end()));
  reader.end();
  await stage(true);
  await copy.end();
  const read = plan as RowPlan | null;
  if (!read) throw new MalformedFile('line 1: the file has no header row');
  if (rowCount === 0) throw new MalformedFile('the file has a header row and no records');
  return { format: read.format, content: read.content, rowCount, columns: read.columns, problemCount, problems };
}
