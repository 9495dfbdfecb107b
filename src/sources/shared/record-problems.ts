import type { z } from 'zod';
import { cleanText } from '../../errors/message-text.js';
import type { ScanError } from '../../model/scan-result.js';
import type { RecordKind } from '../../model/record-kinds.js';

/** A record a connector could not read or map: reported, skipped, never fatal to the job. */
export interface RecordProblem {
  kind: RecordKind;
  /** The provider's id of the record, or where it was when it had none. */
  sourceId: string;
  reason: string;
}

/**
 * Where a connector notes the records it had to skip. The importer drains it into the job's
 * row problems with its next commit, the scan into its errors; a connector never fails a whole
 * read for one bad record.
 */
export class ProblemLog {
  private pending: RecordProblem[] = [];

  report(kind: RecordKind, sourceId: string, reason: string): void {
    this.pending.push({ kind, sourceId: cleanText(sourceId, 320), reason: cleanText(reason) });
  }

  /** Whether a problem of this record waits to be reported (so a caller need not give another reason). */
  has(kind: RecordKind, sourceId: string): boolean {
    const id = cleanText(sourceId, 320);
    return this.pending.some((p) => p.kind === kind && p.sourceId === id);
  }

  drain(): RecordProblem[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Puts back what a rolled-back commit had taken. */
  restore(problems: RecordProblem[]): void {
    this.pending = [...problems, ...this.pending];
  }
}

/** "field: what was wrong" for the first problems of a record that failed its wire schema. */
export function describeShape(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'record'}: ${i.message}`)
    .join('; ');
}

/** The id of a raw record when it has a usable one. */
export function rawId(raw: unknown): string | null {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id ? id : typeof id === 'number' ? String(id) : null;
}

/**
 * Parses each item of a list on its own: the good ones are returned, each bad one is reported
 * under `kind` with its id (as `idOf` finds it; a provider may name it otherwise) or its
 * position, and the reason.
 */
export function parseItems<T extends z.ZodType>(
  items: unknown[],
  schema: T,
  kind: RecordKind,
  problems: ProblemLog,
  where: string,
  idOf: (raw: unknown) => string | null = rawId,
): z.infer<T>[] {
  const out: z.infer<T>[] = [];
  items.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
    else problems.report(kind, idOf(raw) ?? `item ${index} of ${where}`, `unreadable record (${describeShape(parsed.error)})`);
  });
  return out;
}

/** Records the scan could not read, one error each (the import reports them again as row problems). */
export function scanProblems(problems: RecordProblem[]): ScanError[] {
  return problems.map((p) => ({ resource: p.kind, message: `${p.sourceId}: ${p.reason}` }));
}
