/**
 * Mailgun's pivot paging: items in ascending order of a key (an address, a template name), a
 * `page` of first / next / prev / last and the pivot the next or previous page starts from. The
 * `paging` URLs are absolute and always present: `next` after the last page leads to an empty
 * page, which is how a reader knows it is done.
 */
export interface PivotPage<T> {
  items: T[];
  paging: { first: string; last: string; next: string; previous: string };
}

export function pivotPage<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  query: URLSearchParams,
  options: { url: string; pivotParam: 'address' | 'p'; defaultLimit: number; maxLimit: number },
): PivotPage<T> {
  const limit = Math.min(Math.max(Number(query.get('limit')) || options.defaultLimit, 1), options.maxLimit);
  const page = query.get('page') ?? 'first';
  const pivot = query.get(options.pivotParam) ?? '';
  let items: T[];
  if (page === 'next' && pivot) items = all.filter((i) => keyOf(i) > pivot).slice(0, limit);
  else if (page === 'prev' && pivot) items = all.filter((i) => keyOf(i) < pivot).slice(-limit);
  else if (page === 'last') items = all.slice(-limit);
  else items = all.slice(0, limit);
  const link = (which: string, at?: string) => {
    const u = new URL(options.url);
    for (const [k, v] of query) if (k !== 'page' && k !== options.pivotParam && k !== 'limit') u.searchParams.set(k, v);
    u.searchParams.set('page', which);
    if (at !== undefined) u.searchParams.set(options.pivotParam, at);
    u.searchParams.set('limit', String(limit));
    return u.toString();
  };
  const firstKey = items.length ? keyOf(items[0]!) : pivot;
  const lastKey = items.length ? keyOf(items.at(-1)!) : pivot;
  return { items, paging: { first: link('first'), last: link('last'), next: link('next', lastKey), previous: link('prev', firstKey) } };
}
