import { insertProblems } from './import-problems.repository.js';
import { ProblemLog, type RecordProblem } from '../../sources/shared/record-problems.js';
import type { ImportResult, ReasonEntry, TemplateOutcome } from '../../model/import-result.js';
import type { ImportCounter, RecordKind } from '../../model/record-kinds.js';

const MAX_EXAMPLES = 5;

/**
 * Accumulates an import's outcome. Per-row problems are grouped by kind and reason so a million
 * skipped rows stay a few entries, never a million.
 */
export class ImportTally {
  readonly result: ImportResult;

  constructor(previous: ImportResult | null) {
    this.result = {
      imported: { ...(previous?.imported ?? {}) },
      skipped: [...(previous?.skipped ?? [])],
      errors: [...(previous?.errors ?? [])],
      ...(previous?.templates ? { templates: [...previous.templates] } : {}),
    };
  }

  imported(kind: ImportCounter, count = 1): void {
    if (count) this.result.imported[kind] = (this.result.imported[kind] ?? 0) + count;
  }

  template(outcome: TemplateOutcome): void {
    const list = (this.result.templates ??= []);
    const at = list.findIndex((t) => t.source_id === outcome.source_id);
    if (at >= 0) list[at] = outcome;
    else list.push(outcome);
  }

  ensureKind(kind: ImportCounter): void {
    this.result.imported[kind] ??= 0;
  }

  skipped(kind: RecordKind, reason: string, example: string, count = 1): void {
    add(this.result.skipped, kind, reason, example, count);
  }

  /**
   * A row problem: held until the next commit, which stores it once per (kind, record, reason)
   * and counts it only if it was new (`persistProblems`).
   */
  error(kind: RecordKind, reason: string, example: string): void {
    this.pending.report(kind, example, reason);
  }

  /** Problems noted since the last commit (given back with `restorePending` if that commit rolls back). */
  takePending(): PendingProblem[] {
    return this.pending.drain();
  }

  restorePending(problems: PendingProblem[]): void {
    this.pending.restore(problems);
  }

  /** Stores `problems` in the batch's transaction and counts the ones not stored before. */
  async persistProblems(db: Parameters<typeof insertProblems>[0], jobId: string, run: number, problems: PendingProblem[]): Promise<void> {
    for (const p of await insertProblems(db, jobId, run, problems)) add(this.result.errors, p.kind, p.reason, p.sourceId, 1);
  }

  private readonly pending = new ProblemLog();
}

export type PendingProblem = RecordProblem;


function add(list: ReasonEntry[], kind: RecordKind, reason: string, example: string, count: number) {
  if (count <= 0) return;
  let entry = list.find((e) => e.kind === kind && e.reason === reason);
  if (!entry) {
    entry = { kind, reason, count: 0, examples: [] };
    list.push(entry);
  }
  entry.count += count;
  if (entry.examples.length < MAX_EXAMPLES && !entry.examples.includes(example)) entry.examples.push(example);
}
