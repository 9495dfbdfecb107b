import type { RecordKind } from '../../model/record-kinds.js';
import type { z } from 'zod';
import { SourceError, type SourcePage } from '../source-types.js';
import { listEnvelope } from './resend-wire.js';
import { parseItems, rawId, type ProblemLog } from '../shared/record-problems.js';
import type { ResendHttp } from './resend-http.js';

/** Resend's largest page; fewer, fuller pages matter under a 2 req/s limit. */
export const RESEND_PAGE_SIZE = 100;

/** Describes what was wrong with a response, naming the endpoint and the field. */
export function shapeError(endpoint: string, error: z.ZodError): SourceError {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return new SourceError(
    'unexpected_response',
    `Resend ${endpoint} returned an unexpected shape: ${where}: ${issue?.message ?? 'invalid'}`,
    { endpoint },
  );
}

export function parseShape<T extends z.ZodType>(endpoint: string, schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw shapeError(endpoint, parsed.error);
  return parsed.data;
}

/** Which kind of record a list holds, and where its unreadable items are reported. */
export interface ItemReport {
  kind: RecordKind;
  problems: ProblemLog;
}

/**
 * Walks a cursor-paginated list (newest first, `after` = last id) from `after`, one page at a
 * time. Always sends `limit`: without it old endpoints return everything in one response. Each
 * item is parsed on its own: one that does not fit is reported and skipped, the page goes on.
 * A cursor that does not advance or a page that repeats ends the read with an error, not a loop.
 */
export async function* paginate<T extends z.ZodType<{ id: string }>>(
  http: ResendHttp,
  path: string,
  item: T,
  report: ItemReport,
  options: { after?: string | null; query?: Record<string, string> } = {},
): AsyncGenerator<SourcePage<z.infer<T>>> {
  const endpoint = `GET ${path}`;
  let cursor = options.after ?? undefined;
  let previousIds = new Set<string>();
  for (;;) {
    const body = await http.get(path, { ...options.query, limit: RESEND_PAGE_SIZE, after: cursor });
    const page = parseShape(endpoint, listEnvelope, body);
    const items = parseItems(page.data, item, report.kind, report.problems, `${endpoint} after ${cursor ?? 'the start'}`) as z.infer<T>[];
    if (page.data.length === 0) {
      yield { items, nextCursor: null };
      return;
    }
    // The cursor is the last record's id, read or not.
    const last = rawId(page.data[page.data.length - 1]) ?? items.at(-1)?.id;
    const ids = page.data.map(rawId).filter((i): i is string => i !== null);
    if (last === undefined || last === cursor || ids.some((i) => previousIds.has(i))) {
      throw new SourceError(
        'pagination_stuck',
        `Resend ${endpoint} repeated a page (or gave no usable id) after cursor ${cursor}; stopping instead of looping`,
        { endpoint },
      );
    }
    // Old responses may lack has_more; a full page then means "maybe more".
    const hasMore = page.has_more ?? page.data.length >= RESEND_PAGE_SIZE;
    yield { items, nextCursor: hasMore ? last : null };
    if (!hasMore) return;
    previousIds = new Set(ids);
    cursor = last;
  }
}
