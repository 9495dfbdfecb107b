import { z } from 'zod';
import { reasonEntrySchema, type ReasonEntry } from '../../model/import-result.js';
import type { RecordKind } from '../../model/record-kinds.js';

type Queryable = { query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }> };

export interface ProblemRow {
  kind: RecordKind;
  sourceId: string;
  reason: string;
}

/** Stores row problems once per (job, kind, record, reason); returns the ones that were new. */
export async function insertProblems(db: Queryable, jobId: string, run: number, problems: ProblemRow[]): Promise<ProblemRow[]> {
  if (!problems.length) return [];
  const { rows } = await db.query<ProblemRow>(
    `insert into import_problems (job_id, kind, source_id, reason, run)
     select $1, k, s, r, $2 from unnest($3::text[], $4::text[], $5::text[]) as t(k, s, r)
     on conflict do nothing
     returning kind, source_id as "sourceId", reason`,
    [jobId, run, problems.map((p) => p.kind), problems.map((p) => p.sourceId), problems.map((p) => p.reason)],
  );
  return rows;
}

/** Every row problem of a job, across its runs, grouped by kind and reason with five examples. */
export async function summarizeProblems(db: Queryable, jobId: string): Promise<ReasonEntry[]> {
  const { rows } = await db.query(
    `select kind, reason, count(*)::int as count, (array_agg(source_id order by created_at, source_id))[1:5] as examples
       from import_problems where job_id = $1 group by kind, reason order by min(created_at), kind, reason`,
    [jobId],
  );
  return z.array(reasonEntrySchema).parse(rows);
}
