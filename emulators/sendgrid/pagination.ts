/**
 * The two paging styles SendGrid uses (sendgrid.md §7): opaque `page_token` with absolute
 * `_metadata.next`/`prev` URLs (lists, templates), and limit/offset over bare arrays with no
 * total (suppressions; the client stops at a short page).
 */
import { errors } from './errors.js';

/** Tokens are opaque to clients; here they encode the offset. */
const encodeToken = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

function decodeToken(token: string): number {
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw errors.badParameter('page_token', 'invalid page_token');
  return Number(m[1]);
}

function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number | undefined): number {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (fallback === undefined) throw errors.badParameter(name, `${name} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw errors.badParameter(name, `${name} must be between ${min} and ${max}`);
  return n;
}

export interface TokenPageOptions {
  /** Absolute URL of the endpoint, without page parameters; others in `keep` are carried over. */
  endpoint: string;
  keep: Record<string, string>;
  maxPageSize: number;
  /** undefined: page_size is required. */
  defaultPageSize: number | undefined;
}

export function tokenPage<T>(items: readonly T[], query: URLSearchParams, o: TokenPageOptions) {
  const size = intParam(query, 'page_size', 1, o.maxPageSize, o.defaultPageSize);
  const token = query.get('page_token');
  const offset = token ? decodeToken(token) : 0;
  const link = (at: number) => {
    const q = new URLSearchParams({ ...o.keep, page_size: String(size), page_token: at === 0 && !token ? '' : encodeToken(at) });
    return `${o.endpoint}?${q}`;
  };
  const metadata: { self: string; next?: string; prev?: string; count: number } = { self: link(offset), count: items.length };
  if (offset + size < items.length) metadata.next = link(offset + size);
  if (offset > 0) metadata.prev = link(Math.max(0, offset - size));
  return { page: items.slice(offset, offset + size), metadata };
}

/** limit 1..500 (default 500), offset ≥ 0, start_time/end_time inclusive unix seconds on `created`. */
export function offsetPage<T extends { created: number }>(items: readonly T[], query: URLSearchParams): T[] {
  const limit = intParam(query, 'limit', 1, 500, 500);
  const offset = intParam(query, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
  const start = intParam(query, 'start_time', 0, Number.MAX_SAFE_INTEGER, 0);
  const end = intParam(query, 'end_time', 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return items.filter((s) => s.created >= start && s.created <= end).slice(offset, offset + limit);
}
