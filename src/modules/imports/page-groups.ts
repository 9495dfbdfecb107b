import type { SourcePage } from '../../sources/source-types.js';

/** Pages written in one transaction, as one page: the last one's cursor, everyone's records and notes. */
export interface PageGroup<T, D> {
  page: SourcePage<T>;
  /** What `read` gave for each page, merged (keys are the records' own). */
  details: Map<string, D>;
  /** Records the source gave, before `read` saw them (what progress counts). */
  fetched: number;
}

export interface GroupLimits {
  /** A group is written once it holds this many records… */
  records: number;
  /** …or once this long has passed since its first page came (the next page may be slow). */
  ms: number;
}

/**
 * Joins consecutive pages so a source of small pages (Resend's 100 contacts) is written a
 * transaction per `records` rather than per page, while a slow source (per-contact reads, a
 * paced API) still has each page written within `ms` of its arrival: the group is flushed when
 * the next page is late, not held for it. `read` runs for each page as it joins, never while the
 * caller writes a group, so what it records happens between transactions as before.
 */
export async function* pageGroups<T, D>(
  pages: AsyncIterable<SourcePage<T>>,
  read: (page: SourcePage<T>) => Promise<{ page: SourcePage<T>; details: Map<string, D> }>,
  limits: GroupLimits,
): AsyncGenerator<PageGroup<T, D>> {
  const it = pages[Symbol.asyncIterator]();
  let group: PageGroup<T, D>[] = [];
  let began = 0;
  let pending: Promise<IteratorResult<SourcePage<T>>> | null = null;
  const size = () => group.reduce((n, g) => n + g.page.items.length, 0);
  try {
    for (;;) {
      pending ??= it.next();
      if (group.length && !(await arrivesWithin(pending, began + limits.ms - performance.now()))) {
        yield merge(group);
        group = [];
        continue;
      }
      const next = await pending;
      pending = null;
      if (next.done) break;
      if (!group.length) began = performance.now();
      const { page, details } = await read(next.value);
      group.push({ page, details, fetched: next.value.items.length });
      if (size() >= limits.records || performance.now() - began >= limits.ms || page.nextCursor === null) {
        yield merge(group);
        group = [];
      }
    }
    if (group.length) yield merge(group);
  } finally {
    await it.return?.();
  }
}

/** Whether `pending` settles within `ms` (a rejection counts as settled: it is seen when awaited). */
async function arrivesWithin(pending: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([pending.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

function merge<T, D>(group: PageGroup<T, D>[]): PageGroup<T, D> {
  if (group.length === 1) return group[0]!;
  const pages = group.map((g) => g.page);
  const warnings = pages.flatMap((p) => p.warnings ?? []);
  const rejects = pages.flatMap((p) => p.rejects ?? []);
  return {
    page: {
      items: pages.flatMap((p) => p.items),
      nextCursor: pages.at(-1)!.nextCursor,
      ...(warnings.length ? { warnings } : {}),
      ...(rejects.length ? { rejects } : {}),
    },
    details: new Map(group.flatMap((g) => [...g.details])),
    fetched: group.reduce((n, g) => n + g.fetched, 0),
  };
}
