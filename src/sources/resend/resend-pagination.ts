import type { z } from 'zod';
import { SourceError, type SourcePage } from '../source-types.js';
import { listEnvelope } from './resend-wire.js';
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

/**
 * Walks a cursor-paginated list (newest first, `after` = last id) from `after`, one page at a
 * time. Always sends `limit`: without it old endpoints return everything in one response. A
 * cursor that does not advance or a page that repeats ends the read with an error, not a loop.
 */
export async function* paginate<T extends z.ZodType<{ id: string }>>(
  http: ResendHttp,
  path: string,
  item: T,
  options: { after?: string | null; query?: Record<string, string> } = {},
): AsyncGenerator<SourcePage<z.infer<T>>> {
  const endpoint = `GET ${path}`;
  const envelope = listEnvelope(item);
  let cursor = options.after ?? undefined;
  let previousIds = new Set<string>();
  for (;;) {
    const body = await http.get(path, { ...options.query, limit: RESEND_PAGE_SIZE, after: cursor });
    const page = parseShape(endpoint, envelope, body);
    const items = page.data as z.infer<T>[];
    if (items.length === 0) {
      yield { items, nextCursor: null };
      return;
    }
    const last = items[items.length - 1]!.id;
    if (last === cursor || items.some((i) => previousIds.has(i.id))) {
      throw new SourceError(
        'pagination_stuck',
        `Resend ${endpoint} repeated a page after cursor ${cursor}; stopping instead of looping`,
        { endpoint },
      );
    }
    // Old responses may lack has_more; a full page then means "maybe more".
    const hasMore = page.has_more ?? items.length >= RESEND_PAGE_SIZE;
    yield { items, nextCursor: hasMore ? last : null };
    if (!hasMore) return;
    previousIds = new Set(items.map((i) => i.id));
    cursor = last;
  }
}
