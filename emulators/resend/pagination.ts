/**
 * Resend's cursor pagination (resend.md §1.1): newest first; `limit` 1–100; `after`/`before` are
 * exclusive item ids and mutually exclusive. "optional" endpoints return everything when `limit`
 * is absent; "required" ones default to 20. Views are pre-sorted, so a page is a binary search.
 */
import { errors } from './errors.js';
import type { Dated } from './store.js';

export type PaginationMode = 'optional' | 'required';

export interface PageQuery {
  limit: number | undefined;
  after: string | undefined;
  before: string | undefined;
}

export interface ListPage<T> {
  object: 'list';
  has_more: boolean;
  data: T[];
}

export function parsePageQuery(query: URLSearchParams, mode: PaginationMode): PageQuery {
  const rawLimit = query.get('limit');
  let limit: number | undefined = mode === 'required' ? 20 : undefined;
  if (rawLimit !== null) {
    if (!/^\d+$/.test(rawLimit.trim())) throw errors.invalidLimit();
    limit = Number(rawLimit);
    if (limit < 1 || limit > 100) throw errors.invalidLimit();
  }
  const after = query.get('after') ?? undefined;
  const before = query.get('before') ?? undefined;
  if (after !== undefined && before !== undefined) throw errors.bothCursors();
  return { limit, after, before };
}

/**
 * One page of `view` (sorted newest first). `keyOf` gives the sort key of any id of the view's
 * kind, including ids filtered out of this view; an unknown cursor id is a validation error.
 */
export function paginate<T extends Dated>(view: readonly T[], page: PageQuery, keyOf: (id: string) => number | undefined): ListPage<T> {
  const cursorId = page.after ?? page.before;
  if (cursorId === undefined) {
    const end = page.limit === undefined ? view.length : Math.min(view.length, page.limit);
    return { object: 'list', has_more: end < view.length, data: view.slice(0, end) };
  }
  const cursorKey = keyOf(cursorId);
  if (cursorKey === undefined) throw errors.invalidCursor(page.after !== undefined ? 'after' : 'before');
  // Along a newest-first view this is false for newer items, then true: a binary search fits.
  const olderThanCursor = (item: T, orEqual: boolean) => {
    const k = keyOf(item.id) ?? 0;
    return k < cursorKey || (k === cursorKey && (item.id < cursorId || (orEqual && item.id === cursorId)));
  };
  if (page.after !== undefined) {
    const start = firstIndex(view, (item) => olderThanCursor(item, false));
    const end = page.limit === undefined ? view.length : Math.min(view.length, start + page.limit);
    return { object: 'list', has_more: end < view.length, data: view.slice(start, end) };
  }
  const end = firstIndex(view, (item) => olderThanCursor(item, true));
  const start = page.limit === undefined ? 0 : Math.max(0, end - page.limit);
  return { object: 'list', has_more: start > 0, data: view.slice(start, end) };
}

/** The first index whose item satisfies a predicate that is monotonic (false…false true…true). */
function firstIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (predicate(items[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
