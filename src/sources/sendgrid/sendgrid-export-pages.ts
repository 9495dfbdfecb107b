import type { SourceContact, SourcePage, SourceReject } from '../source-types.js';
import type { SendGridHttp } from './sendgrid-http.js';
import { exportChunks, reuseExport, runExport, type ExportJob } from './sendgrid-export.js';
import { columnPlan, mapContactRow, type ColumnPlan } from './sendgrid-mapping.js';

/** Rows per batch handed to the importer: one transaction each. */
export const SENDGRID_BATCH_ROWS = 10_000;

/**
 * Contacts only come out whole through the asynchronous export: one per list (for membership)
 * and one of everything. Each export is started once, possibly well before it is read.
 */
export class ContactExports {
  /** By list id ('*' for all contacts), until their reading begins. */
  private readonly started = new Map<string, Promise<ExportJob>>();

  constructor(
    private readonly http: SendGridHttp,
    private readonly options: { signal?: AbortSignal; retryBudgetMs?: number },
  ) {}

  start(listIds: string[] | null): Promise<ExportJob> {
    const key = listIds?.join(',') ?? '*';
    let job = this.started.get(key);
    if (!job) {
      job = runExport(this.http, listIds, this.options.signal);
      job.catch(() => {}); // a failure surfaces where the export is read
      this.started.set(key, job);
    }
    return job;
  }

  /**
   * Rows of one export in batches; `after` (`<export id>:<records read>`) resumes inside it. The
   * last page cross-checks the rows read against the counts SendGrid reported (the export's, and
   * the list's), which differ if contacts changed meanwhile. A resumed read reuses its export while
   * the links stay valid and skips what was committed; otherwise it reads a new export from the
   * start (the importer's writes are idempotent). `fieldNames` (lower-cased header → the custom
   * field's own name) is asked for once the export is ready.
   */
  async *pages(
    listIds: string[] | null,
    after: string | null,
    fieldNames: () => Promise<Map<string, string>>,
    listCount?: number,
  ): AsyncGenerator<SourcePage<SourceContact>> {
    const [resumeId, resumeAt] = parseCursor(after);
    const reused = resumeId ? await reuseExport(this.http, resumeId, this.options.signal) : null;
    const key = listIds?.join(',') ?? '*';
    const job = reused ?? (await this.start(listIds));
    this.started.delete(key);
    let records = reused ? resumeAt : 0;
    const names = await fieldNames();
    let plan: ColumnPlan | undefined;
    let batch: SourceContact[] = [];
    let rejects: SourceReject[] = [];
    const reading = { skip: records, signal: this.options.signal, retryBudgetMs: this.options.retryBudgetMs };
    for await (const chunk of exportChunks(job.urls ?? [], reading)) {
      if (plan?.columns !== chunk.columns) plan = columnPlan(chunk.columns, names);
      for (const row of chunk.rows) batch.push(mapContactRow(row, plan));
      // Named by position: one row problem per unreadable row, however alike their reasons.
      chunk.problems.forEach((problem, i) => rejects.push({ reason: problem, example: `export ${job.id} record ${records + chunk.rows.length + i + 1}` }));
      records += chunk.rows.length + chunk.problems.length;
      if (batch.length >= SENDGRID_BATCH_ROWS) {
        yield { items: batch, nextCursor: `${job.id}:${records}`, rejects };
        batch = [];
        rejects = [];
      }
    }
    const warnings: string[] = [];
    const what = listIds ? `list ${listIds[0]}` : 'all contacts';
    if (job.contact_count !== undefined && job.contact_count !== records) {
      warnings.push(`the export of ${what} reported ${job.contact_count} contacts but its files held ${records}`);
    }
    if (listCount !== undefined && listCount !== records) {
      warnings.push(`the list count says ${listCount} contacts but the export of ${what} held ${records}`);
    }
    yield { items: batch, nextCursor: null, warnings, rejects };
  }
}

/** `<export id>:<records read>` → its parts; nothing for a read from the start. */
function parseCursor(after: string | null): [string | null, number] {
  const m = after ? /^([^:]+):(\d+)$/.exec(after) : null;
  return m ? [m[1]!, Number(m[2])] : [null, 0];
}
