import { z } from 'zod';
import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
import { CopyStream } from '../../db/copy-stream.js';
import { copyValue } from '../contacts/copy-text.js';
import {
  UPLOAD_FORMATS,
  uploadRequestSchema,
  uploadedContactSchema,
  uploadedSuppressionSchema,
  type UploadColumn,
  type UploadedContact,
  type UploadedSuppression,
} from './upload-formats.js';

export const uploadProblemSchema = z.object({ line: z.number().int(), reason: z.string() });
export type UploadProblem = z.infer<typeof uploadProblemSchema>;

const uploadRow = z.object({
  id: z.string(),
  organization_id: z.string(),
  job_id: z.string(),
  status: z.enum(['receiving', 'ready']),
  format: z.enum(UPLOAD_FORMATS).nullable(),
  content: z.enum(['contacts', 'suppressions']).nullable(),
  filename: z.string().nullable(),
  request: uploadRequestSchema,
  expected_bytes: z.coerce.number().nullable(),
  received_bytes: z.coerce.number(),
  row_count: z.number(),
  columns: z.array(z.object({ name: z.string(), use: z.string() })),
  problem_count: z.number(),
  problems: z.array(uploadProblemSchema),
  created_at: z.date(),
  completed_at: z.date().nullable(),
});

/** One upload of a job, as stored (its rows and bytes are read separately). */
export type MigrationUpload = Omit<z.infer<typeof uploadRow>, 'columns'> & { columns: UploadColumn[] };

const parseUpload = (row: unknown) => uploadRow.parse(row) as MigrationUpload;

export async function insertUpload(db: Queryable, upload: Pick<MigrationUpload, 'id' | 'organization_id' | 'job_id' | 'filename' | 'request' | 'expected_bytes'>): Promise<MigrationUpload> {
  const { rows } = await db.query(
    `insert into migration_uploads (id, organization_id, job_id, status, filename, request, expected_bytes)
     values ($1, $2, $3, 'receiving', $4, $5, $6) returning *`,
    [upload.id, upload.organization_id, upload.job_id, upload.filename, JSON.stringify(upload.request), upload.expected_bytes],
  );
  return parseUpload(rows[0]);
}

export async function findUpload(db: Queryable, organizationId: string, jobId: string, id: string): Promise<MigrationUpload | null> {
  const { rows } = await db.query('select * from migration_uploads where id = $1 and organization_id = $2 and job_id = $3', [id, organizationId, jobId]);
  return rows[0] ? parseUpload(rows[0]) : null;
}

export async function listUploads(db: Queryable, organizationId: string, jobId: string): Promise<MigrationUpload[]> {
  const { rows } = await db.query('select * from migration_uploads where organization_id = $1 and job_id = $2 order by created_at, id', [organizationId, jobId]);
  return rows.map(parseUpload);
}

/**
 * Appends bytes at `offset` if that is where the upload stands (and it is still receiving);
 * false when another request moved it meanwhile.
 */
export async function appendChunk(db: Queryable, id: string, offset: number, bytes: Buffer): Promise<boolean> {
  const { rowCount } = await db.query(
    `with moved as (
       update migration_uploads set received_bytes = received_bytes + $3 where id = $1 and received_bytes = $2 and status = 'receiving' returning id)
     insert into upload_chunks (upload_id, byte_offset, bytes) select id, $2, $4 from moved`,
    [id, offset, bytes.length, bytes],
  );
  return rowCount === 1;
}

/** The stored bytes in order, a chunk at a time (never the whole file at once). */
export async function* readChunks(db: Queryable, id: string): AsyncGenerator<Buffer> {
  for (let offset = 0; ; ) {
    const { rows } = await db.query<{ bytes: Buffer }>('select bytes from upload_chunks where upload_id = $1 and byte_offset = $2', [id, offset]);
    if (!rows[0]) return;
    yield rows[0].bytes;
    offset += rows[0].bytes.length;
  }
}

export type StagedRow = { seq: number; line: number; email: string; data: UploadedContact | UploadedSuppression };

/** One COPY into upload_rows for the records of an upload being read (in its transaction). */
export function stagingCopy(client: pg.ClientBase, uploadId: string) {
  const stream = new CopyStream(client, 'copy upload_rows (upload_id, seq, line, email, data) from stdin');
  const id = copyValue(uploadId);
  return {
    write(rows: StagedRow[]): Promise<void> {
      let text = '';
      for (const r of rows) text += `${id}\t${r.seq}\t${r.line}\t${copyValue(r.email)}\t${copyValue(JSON.stringify(r.data))}\n`;
      return stream.write(text);
    },
    end: () => stream.end(),
  };
}

/** The upload was read whole: what it holds, and its bytes are no longer kept. */
export async function markReady(
  db: Queryable,
  id: string,
  outcome: { format: string; content: string; rowCount: number; columns: UploadColumn[]; problemCount: number; problems: UploadProblem[] },
): Promise<MigrationUpload> {
  await db.query('delete from upload_chunks where upload_id = $1', [id]);
  const { rows } = await db.query(
    `update migration_uploads set status = 'ready', format = $2, content = $3, row_count = $4, columns = $5, problem_count = $6, problems = $7, completed_at = now()
      where id = $1 returning *`,
    [id, outcome.format, outcome.content, outcome.rowCount, JSON.stringify(outcome.columns), outcome.problemCount, JSON.stringify(outcome.problems)],
  );
  return parseUpload(rows[0]);
}

/**
 * Tells the planner how many records there now are. Without it a freshly loaded upload is taken
 * for a small table, and looking up a thousand addresses in it reads every record by upload id
 * (57 ms for 300,000 records, against 1.8 ms by the email index once analyzed).
 */
export async function refreshStatistics(db: Queryable): Promise<void> {
  await db.query('analyze upload_rows');
}

/** Deletes uploads and their records (upload_rows has no foreign key: see migration 0015); returns how many uploads. */
async function deleteWhere(db: Queryable, where: string, params: unknown[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `with gone as (delete from migration_uploads u ${where} returning u.id),
          records as (delete from upload_rows where upload_id in (select id from gone))
     select count(*)::int as n from gone`,
    params,
  );
  return rows[0]?.n ?? 0;
}

export async function deleteUpload(db: Queryable, id: string): Promise<void> {
  await deleteWhere(db, 'where u.id = $1', [id]);
}

/** Every upload of a job: it completed, and what was uploaded is customer data it no longer needs. */
export function deleteUploadsOfJob(db: Queryable, jobId: string): Promise<number> {
  return deleteWhere(db, 'where u.job_id = $1', [jobId]);
}

/** Uploads of failed jobs past the credential retention (those jobs can no longer retry), and records whose upload is gone. */
export async function deleteExpiredUploads(db: Queryable, retentionHours: number): Promise<number> {
  const deleted = await deleteWhere(
    db,
    `using migration_jobs j where j.id = u.job_id and j.status = 'failed' and coalesce(j.completed_at, j.updated_at) < now() - make_interval(hours => $1::int)`,
    [Math.floor(retentionHours)],
  );
  // An upload deleted with its job or organization (cascade) leaves its records behind.
  await db.query('delete from upload_rows r where not exists (select 1 from migration_uploads u where u.id = r.upload_id)');
  return deleted;
}

/** The ready uploads of a job that an import reads, oldest first. */
export async function readyUploads(db: Queryable, jobId: string): Promise<MigrationUpload[]> {
  const { rows } = await db.query(`select * from migration_uploads where job_id = $1 and status = 'ready' order by created_at, id`, [jobId]);
  return rows.map(parseUpload);
}

/** Suppression records in the ready uploads of a job. */
export async function suppressionRecordCount(db: Queryable, jobId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from upload_rows where upload_id in (select id from migration_uploads where job_id = $1 and status = 'ready' and content = 'suppressions')`,
    [jobId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * The record of each address among the contacts uploads `uploadIds` (the first upload's, when
 * two have it). A read, not a mark: which records the account lacks is asked once, at the end.
 */
export async function matchContacts(db: Queryable, uploadIds: string[], emails: string[]): Promise<Map<string, UploadedContact>> {
  const out = new Map<string, UploadedContact>();
  if (!emails.length || !uploadIds.length) return out;
  const { rows } = await db.query<{ email: string; data: unknown }>(
    `select email, data from upload_rows where upload_id = any($1::text[]) and email = any($2::text[]) order by array_position($1::text[], upload_id)`,
    [uploadIds, emails],
  );
  for (const r of rows) if (!out.has(r.email)) out.set(r.email, uploadedContactSchema.parse(r.data));
  return out;
}

/**
 * Contacts of the uploads that the organization does not have after the account's contacts were
 * imported: the account lacked them (or their address could not be imported). By line. Read in
 * ranges of `seq` (dense from 0 in each upload), so each batch reads its own records only,
 * whatever plan the statistics of a freshly loaded table lead to.
 */
export async function* unmatchedContacts(
  db: Queryable,
  organizationId: string,
  files: { id: string; filename: string | null }[],
  batch = 1000,
): AsyncGenerator<{ line: number; email: string; filename: string | null }[]> {
  for (const file of files) {
    const last = await lastSeq(db, file.id);
    for (let after = -1; after < last; after += batch) {
      const { rows } = await db.query<{ line: number; email: string }>(
        `select r.line, r.email from upload_rows r
          where r.upload_id = $1 and r.seq > $2 and r.seq <= $3
            and not exists (select 1 from contacts c where c.organization_id = $4 and c.email = r.email collate "C")
          order by r.seq`,
        [file.id, after, after + batch, organizationId],
      );
      if (rows.length) yield rows.map((r) => ({ ...r, filename: file.filename }));
    }
  }
}

async function lastSeq(db: Queryable, uploadId: string): Promise<number> {
  const { rows } = await db.query<{ seq: number | null }>('select max(seq) as seq from upload_rows where upload_id = $1', [uploadId]);
  return rows[0]?.seq ?? -1;
}

/** The next `limit` suppression records of one upload after record `afterSeq` (fewer at its end), in order; by a `seq` range (see unmatchedContacts). */
export async function suppressionRows(db: Queryable, uploadId: string, afterSeq: number, limit: number): Promise<{ seq: number; line: number; email: string; suppression: UploadedSuppression }[]> {
  const { rows } = await db.query<{ seq: number; line: number; email: string; data: unknown }>(
    'select seq, line, email, data from upload_rows where upload_id = $1 and seq > $2 and seq <= $3 order by seq',
    [uploadId, afterSeq, afterSeq + limit],
  );
  return rows.map((r) => ({ seq: r.seq, line: r.line, email: r.email, suppression: uploadedSuppressionSchema.parse(r.data) }));
}
