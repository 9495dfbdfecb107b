import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../errors/app-error.js';

/**
 * The REST error body `{ "error": { "code", "message", "request_id" } }` with the status of its
 * code; the request id is the one on the response header and in the logs.
 */
export function restError(c: Context, code: ErrorCode, message: string) {
  const requestId = c.get('requestId') as string | undefined;
  return c.json(
    { error: { code, message, ...(requestId ? { request_id: requestId } : {}) } },
    ERROR_HTTP_STATUS[code] as ContentfulStatusCode,
  );
}
