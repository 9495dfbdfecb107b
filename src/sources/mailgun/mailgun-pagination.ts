import type { z } from 'zod';
import type { RecordKind } from '../../model/record-kinds.js';
import { SourceError } from '../source-types.js';
import { describeShape, parseItems, type ProblemLog } from '../shared/record-problems.js';
import type { MailgunHttp } from './mailgun-http.js';
import { wirePaging } from './mailgun-wire.js';

function parsePage(where: string, body: unknown) {
  const parsed = wirePaging.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new SourceError('unexpected_response', `Mailgun ${where} returned an unexpected shape: ${describeShape(parsed.error)}`);
}

/** A `paging.next` URL without its host: a cursor that names no server. */
const relative = (url: string) => {
  const u = new URL(url, 'http://mailgun');
  return `${u.pathname}${u.search}`;
};

export interface PivotPageRead<T> {
  items: T[];
  /** Where the next page is read from (`paging.next`), or null after the last page. */
  next: string | null;
}

/**
 * Mailgun's pivot pages from `start` (a first-page path, or a `paging.next` URL kept as a
 * cursor): `paging.next` is followed until a page comes back empty. A link given before would
 * loop, and so would a page whose next link is itself: both fail the read as stuck.
 */
export async function* pivotPages<T extends z.ZodType>(
  http: MailgunHttp,
  start: { path: string; query: Record<string, string | number> } | { url: string },
  item: T,
  kind: RecordKind,
  problems: ProblemLog,
): AsyncGenerator<PivotPageRead<z.infer<T>>> {
  const seen = new Set<string>();
  let where = 'path' in start ? `GET ${start.path}` : `GET ${new URL(start.url, 'http://mailgun').pathname}`;
  let body = 'path' in start ? await http.get(start.path, start.query) : await http.getUrl(start.url);
  for (;;) {
    const page = parsePage(where, body);
    const raw = page.items ?? [];
    const next = page.paging?.next ?? null;
    if (raw.length === 0) return;
    if (next === null) {
      yield { items: parseItems(raw, item, kind, problems, where), next: null };
      return;
    }
    if (seen.has(next)) throw new SourceError('pagination_stuck', `Mailgun ${where} linked to a page it had given before`);
    seen.add(next);
    yield { items: parseItems(raw, item, kind, problems, where), next: relative(next) };
    where = `${where.split(' (')[0]} (next page)`;
    body = await http.getUrl(next);
  }
}
