import type { z } from 'zod';
import type { RecordKind } from '../../model/record-kinds.js';
import { SourceError } from '../source-types.js';
import { describeShape, parseItems, type ProblemLog } from '../shared/record-problems.js';
import type { SendGridHttp } from './sendgrid-http.js';
import { wireItems, wirePaged } from './sendgrid-wire.js';

/** A whole response body that does not fit its shape: the read cannot go on. */
export function parseBody<T extends z.ZodType>(where: string, schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new SourceError('unexpected_response', `SendGrid ${where} returned an unexpected shape: ${describeShape(parsed.error)}`);
}

/**
 * Items of a paged marketing endpoint. The `_metadata.next` links are absolute and opaque, so
 * they are followed as given; a link seen before would loop, and ends the read instead. Items
 * that do not fit are reported and skipped.
 */
export async function* linkedPages<T extends z.ZodType>(
  http: SendGridHttp,
  path: string,
  query: Record<string, string | number>,
  item: T,
  kind: RecordKind,
  problems: ProblemLog,
): AsyncGenerator<z.infer<T>> {
  const seenLinks = new Set<string>();
  let where = `GET ${path}`;
  let page = parseBody(where, wirePaged, await http.get(path, query));
  for (;;) {
    yield* parseItems(page.result ?? [], item, kind, problems, where);
    const next = page._metadata?.next;
    if (!next) return;
    if (seenLinks.has(next)) throw new SourceError('pagination_stuck', `SendGrid ${where} linked to a page it had given before`);
    seenLinks.add(next);
    where = `GET ${path} (next page)`;
    page = parseBody(where, wirePaged, await http.getUrl(next));
  }
}

/**
 * Raw rows of a `limit`/`offset` list (the suppression API) from `start`. These lists give no
 * total and no link: a page shorter than `limit` is the last.
 */
export async function* offsetPages(http: SendGridHttp, path: string, limit: number, start: number): AsyncGenerator<{ rows: unknown[]; offset: number }> {
  for (let offset = start; ; offset += limit) {
    const rows = parseBody(`GET ${path}`, wireItems, await http.get(path, { limit, offset }));
    yield { rows, offset };
    if (rows.length < limit) return;
  }
}
