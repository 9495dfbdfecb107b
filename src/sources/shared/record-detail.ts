import type { z } from 'zod';
import type { RecordKind } from '../../model/record-kinds.js';
import { SourceError } from '../source-types.js';
import { describeShape, type ProblemLog } from './record-problems.js';

/**
 * One record's detail, read by `read`: 'gone' when the provider says it was deleted meanwhile
 * (404) and null when it does not fit `schema`; both are reported against the record, neither
 * fails the read. Anything else the read throws is thrown on.
 */
export async function readDetail<T extends z.ZodType>(
  problems: ProblemLog,
  provider: string,
  record: { kind: RecordKind; sourceId: string },
  read: () => Promise<unknown>,
  schema: T,
): Promise<z.infer<T> | null | 'gone'> {
  let body: unknown;
  try {
    body = await read();
  } catch (err) {
    if (!(err instanceof SourceError && err.kind === 'not_found')) throw err;
    problems.report(record.kind, record.sourceId, `deleted at ${provider} while the import ran`);
    return 'gone';
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  problems.report(record.kind, record.sourceId, `unreadable record (${describeShape(parsed.error)})`);
  return null;
}
