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
  invalid_mailgun_credential: 401,
  invalid_postmark_credential: 401,
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

/**
 * The expected failures a mutation answers with a typed error in its result (GraphQL) and with
 * its code and status (REST). Anything else stays a top-level error.
 */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

export class InvalidStatusError extends AppError {
  constructor(message: string) {
    super('invalid_status', message);
  }
}

export class ValidationError extends AppError {
  /** Where in the input the problem is (`options.audiences`), when it is one field's. */
  readonly fieldPath: string[];

  constructor(message: string, path: string[] = []) {
    super('validation_error', message);
    this.fieldPath = path;
  }
}

/** The provider rejected the credential (a key that is wrong, revoked or lacks what we need). */
export class CredentialRejectedError extends AppError {}

/** The provider could not be reached or did not answer in time. */
export class SourceUnavailableError extends AppError {
  constructor(message: string) {
    super('source_unavailable', message);
  }
}

export class UnsupportedSourceError extends AppError {
  constructor(message: string) {
    super('unsupported_source', message);
  }
}

export const notFound = (what: string) => new NotFoundError(what);
export const validationError = (message: string, path: string[] = []) => new ValidationError(message, path);
