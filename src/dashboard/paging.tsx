import { useEffect, useState } from 'preact/hooks';
import { count } from './format.ts';

export const PAGE_SIZE = 50;

export interface Connection<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

export interface Pages<T> {
  page: Connection<T> | null;
  error: string | null;
  /** How many pages lie before this one. */
  before: number;
  next(): void;
  previous(): void;
}

/**
 * Pages of a forward-only connection: the cursors walked so far are kept, so Previous goes back
 * to the cursor the earlier page was read after. A change of `filter` starts again at page one.
 */
export function usePages<T>(filter: unknown, read: (after: string | null) => Promise<Connection<T>>): Pages<T> {
  const key = JSON.stringify(filter);
  const [walk, setWalk] = useState<{ key: string; cursors: (string | null)[] }>({ key, cursors: [null] });
  const cursors = walk.key === key ? walk.cursors : [null];
  const [page, setPage] = useState<Connection<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const after = cursors.at(-1) ?? null;

  useEffect(() => {
    let current = true;
    setError(null);
    read(after).then(
      (p) => current && setPage(p),
      (err: Error) => current && setError(err.message),
    );
    return () => void (current = false);
  }, [key, after, cursors.length]);

  return {
    page,
    error,
    before: cursors.length - 1,
    next: () => page?.pageInfo.endCursor && setWalk({ key, cursors: [...cursors, page.pageInfo.endCursor] }),
    previous: () => cursors.length > 1 && setWalk({ key, cursors: cursors.slice(0, -1) }),
  };
}

/** "51–100 of 312" with Previous and Next. */
export function Pager<T>({ pages, noun }: { pages: Pages<T>; noun: string }) {
  const { page, before } = pages;
  if (!page) return null;
  const from = before * PAGE_SIZE + (page.nodes.length ? 1 : 0);
  const to = before * PAGE_SIZE + page.nodes.length;
  return (
    <nav class="pager actions" aria-label={`Pages of ${noun}`}>
      <button type="button" class="secondary" disabled={before === 0} onClick={pages.previous}>Previous {PAGE_SIZE}</button>
      <span data-testid="page-range">{count(from)}–{count(to)} of {count(page.totalCount)} {noun}</span>
      <button type="button" class="secondary" disabled={!page.pageInfo.hasNextPage} onClick={pages.next}>Next {PAGE_SIZE}</button>
    </nav>
  );
}
