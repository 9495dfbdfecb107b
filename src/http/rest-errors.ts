import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../errors/app-error.js';

/** The REST error body `{ "error": { "code", "message" } }` with the status of its code. */
export function restError(c: Context, code: ErrorCode, message: string) {
  return c.json({ error: { code, message } }, ERROR_HTTP_STATUS[code] as ContentfulStatusCode);
}
