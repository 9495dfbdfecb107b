import type { Context } from 'hono';
import type { Yoga } from '../yoga.js';
import type { HttpEnv } from '../http-context.js';
import { executeOperation } from './graphql-executor.js';
import { RestMigrationProblemsDocument } from '../../graphql/generated/operations.js';
import { restError } from '../rest-errors.js';

const HEADER = ['kind', 'source_id', 'reason', 'run', 'created_at'];

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break. A cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe:
 * source ids and reasons come from provider data.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * `GET /v1/migrate/:id/problems.csv`: every row problem of a job, streamed page by page
 * through the same GraphQL connection a dashboard reads (same auth, same organization scope).
 */
export async function problemsCsv(c: Context<HttpEnv>, yoga: Yoga): Promise<Response> {
  const id = c.req.param('id')!;
  const first = await executeOperation(yoga, c, RestMigrationProblemsDocument, { id, after: null });
  if (!first.ok) return restError(c, first.code, first.message);
  const encoder = new TextEncoder();
  let page = first.data.migration.problems;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${HEADER.join(',')}\r\n`));
    },
    async pull(controller) {
      const lines = page.nodes.map((p) => [p.kind, p.sourceId, p.reason, p.run, p.createdAt].map(csvCell).join(',') + '\r\n');
      if (lines.length) controller.enqueue(encoder.encode(lines.join('')));
      if (!page.pageInfo.hasNextPage) return controller.close();
      const next = await executeOperation(yoga, c, RestMigrationProblemsDocument, { id, after: page.pageInfo.endCursor });
      // Headers are sent: a failure now can only cut the download short, which the client sees.
      if (!next.ok) return controller.error(new Error(next.message));
      page = next.data.migration.problems;
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${id.replace(/[^A-Za-z0-9_-]/g, '')}-problems.csv"`,
    },
  });
}
