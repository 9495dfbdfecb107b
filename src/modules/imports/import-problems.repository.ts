import { z } from 'zod';
import { reasonEntrySchema, type ReasonEntry } from '../../model/import-result.js';
import type { RecordKind } from '../../model/record-kinds.js';
import { validationError } from '../../errors/app-error.js';

import type { Queryable } from '../../db/queryable.js';

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

const storedProblemSchema = z
  .object({ kind: reasonEntrySchema.shape.kind, source_id: z.string(), reason: z.string(), run: z.number().int(), created_at: z.date() })
  .transform((r) => ({
    kind: r.kind,
    sourceId: r.source_id,
    reason: r.reason,
    run: r.run,
    createdAt: r.created_at,
    /** Its place in the job's problems (their primary key order), for keyset pages. */
    key: JSON.stringify([r.kind, r.source_id, r.reason]),
  }));
export type StoredProblem = z.infer<typeof storedProblemSchema>;

export interface ProblemFilter {
  kind: RecordKind | null;
}

const afterKey = z.tuple([z.string(), z.string(), z.string()]);

/** Problems of a job in primary key order, `limit` after the one whose `key` is `after`. */
export async function pageProblems(db: Queryable, jobId: string, limit: number, after: string | null, filter: ProblemFilter): Promise<StoredProblem[]> {
  const [kind, sourceId, reason] = after ? parseKey(after) : [null, null, null];
  const { rows } = await db.query(
    `select kind, source_id, reason, run, created_at from import_problems
      where job_id = $1 and ($2::text is null or kind = $2)
        and ($3::text is null or (kind, source_id, reason) > ($3, $4, $5))
      order by kind, source_id, reason limit $6`,
    [jobId, filter.kind, kind, sourceId, reason, limit],
  );
  return rows.map((r) => storedProblemSchema.parse(r));
}

export async function countProblems(db: Queryable, jobId: string, filter: ProblemFilter): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from import_problems where job_id = $1 and ($2::text is null or kind = $2)', [jobId, filter.kind]);
  return rows[0]!.n;
}

function parseKey(key: string): [string, string, string] {
  try {
    return afterKey.parse(JSON.parse(key));
  } catch {
    throw validationError('after is not a cursor of this connection', ['after']);
  }
}
