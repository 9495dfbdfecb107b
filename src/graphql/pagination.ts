import { validationError } from '../errors/app-error.js';

/** The one page-size rule of every connection. */
export const PAGE_SIZE = { default: 50, max: 500 } as const;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Forward keyset paging: how many to read and the key of the last row of the previous page. */
export interface PageRequest {
  first: number;
  afterKey: string | null;
}

/** `first + 1` rows after the page's start (the extra one says more follow), and how many in all. */
export interface Page<T> {
  rows: T[];
  totalCount: number;
}

const CURSOR_PREFIX = 'c1.';

/** Cursors are opaque to clients; inside, the key (an id) of the row they point after. */
export function encodeCursor(key: string): string {
  return CURSOR_PREFIX + Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const body = cursor.startsWith(CURSOR_PREFIX) ? cursor.slice(CURSOR_PREFIX.length) : '';
  const key = /^[A-Za-z0-9_-]+$/.test(body) ? Buffer.from(body, 'base64url').toString('utf8') : '';
  // A key with a NUL could never have been a row's: refused before it reaches a query.
  if (key.includes('\u0000')) throw validationError('after must not contain NUL characters', ['after']);
  if (!key || encodeCursor(key) !== cursor) throw validationError('after is not a cursor of this connection', ['after']);
  return key;
}

export function pageRequest(args: ConnectionArgs): PageRequest {
  if (args.last != null || args.before != null) {
    throw validationError('pages go forward only: use first and after', [args.last != null ? 'last' : 'before']);
  }
  const first = args.first ?? PAGE_SIZE.default;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_SIZE.max) {
    throw validationError(`first must be an integer from 1 to ${PAGE_SIZE.max}`, ['first']);
  }
  return { first, afterKey: args.after == null ? null : decodeCursor(args.after) };
}

/**
 * A connection from one page read with `first + 1` rows (the extra one says whether more
 * follow), cursors made from each row's key.
 */
export function toConnection<T>(rows: T[], request: PageRequest, keyOf: (row: T) => string, totalCount: number) {
  const nodes = rows.slice(0, request.first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > request.first,
      hasPreviousPage: request.afterKey !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * A connection over a list read whole (an organization's API keys, its webhook endpoints: a
 * handful), paged after the row whose key is `afterKey`.
 */
export function listConnection<T>(all: T[], request: PageRequest, keyOf: (row: T) => string) {
  const start = request.afterKey === null ? 0 : all.findIndex((row) => keyOf(row) === request.afterKey) + 1;
  if (start === 0 && request.afterKey !== null) throw validationError('after is not a cursor of this connection', ['after']);
  return toConnection(all.slice(start, start + request.first + 1), request, keyOf, all.length);
}
