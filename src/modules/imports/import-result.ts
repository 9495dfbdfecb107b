import { insertProblems } from './import-problems.repository.js';
import { ProblemLog, type RecordProblem } from '../../sources/shared/record-problems.js';

/** How many of one kind were skipped or failed for one reason, with a few examples. */
export interface ReasonEntry {
  kind: string;
  reason: string;
  count: number;
  examples: string[];
}

/** What happened to one template (targeted migrations report these). */
export interface TemplateOutcome {
  source_id: string;
  id: string;
  name: string;
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  needs_review: boolean;
}

export interface ImportResult {
  imported: Record<string, number>;
  skipped: ReasonEntry[];
  errors: ReasonEntry[];
  templates?: TemplateOutcome[];
}

const MAX_EXAMPLES = 5;

export function emptyImportResult(): ImportResult {
  return { imported: {}, skipped: [], errors: [] };
}

/**
 * Accumulates an import's outcome. Per-row problems are grouped by kind and reason so a million
 * skipped rows stay a few entries, never a million.
 */
export class ImportTally {
  readonly result: ImportResult;

  constructor(previous: Partial<ImportResult> | null | undefined) {
    this.result = {
      imported: { ...(previous?.imported ?? {}) },
      skipped: [...(previous?.skipped ?? [])],
      errors: [...(previous?.errors ?? [])],
      ...(previous?.templates ? { templates: [...previous.templates] } : {}),
    };
  }

  imported(kind: string, count = 1): void {
    if (count) this.result.imported[kind] = (this.result.imported[kind] ?? 0) + count;
  }

  template(outcome: TemplateOutcome): void {
    const list = (this.result.templates ??= []);
    const at = list.findIndex((t) => t.source_id === outcome.source_id);
    if (at >= 0) list[at] = outcome;
    else list.push(outcome);
  }

  ensureKind(kind: string): void {
    this.result.imported[kind] ??= 0;
  }

  skipped(kind: string, reason: string, example: string, count = 1): void {
    add(this.result.skipped, kind, reason, example, count);
  }

  /**
   * A row problem: held until the next commit, which stores it once per (kind, record, reason)
   * and counts it only if it was new (`persistProblems`).
   */
  error(kind: string, reason: string, example: string): void {
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


function add(list: ReasonEntry[], kind: string, reason: string, example: string, count: number) {
  if (count <= 0) return;
  let entry = list.find((e) => e.kind === kind && e.reason === reason);
  if (!entry) {
    entry = { kind, reason, count: 0, examples: [] };
    list.push(entry);
  }
  entry.count += count;
  if (entry.examples.length < MAX_EXAMPLES && !entry.examples.includes(example)) entry.examples.push(example);
}
