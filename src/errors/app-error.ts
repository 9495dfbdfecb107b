import { GraphQLError } from 'graphql';

/**
 * The one error vocabulary of the service. GraphQL puts the code in `extensions.code`; the REST
 * shim maps it to the HTTP status below and the body `{ "error": { "code", "message" } }`.
 */
export const ERROR_HTTP_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  invalid_resend_credential: 401,
  invalid_sendgrid_credential: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  invalid_status: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsupported_source: 422,
  validation_error: 422,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  source_unavailable: 502,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** An expected failure with a stable code; its message is for humans and never holds a secret. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code, ...(details ? { details } : {}) } });
    this.name = 'AppError';
    this.code = code;
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ERROR_HTTP_STATUS;
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const validationError = (message: string, details?: Record<string, unknown>) =>
  new AppError('validation_error', message, details);
