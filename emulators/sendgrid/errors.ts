/** SendGrid's `{"errors":[{field, message}]}` error body and the errors the emulator answers (sendgrid.md §0). */

export class SendGridError extends Error {
  constructor(readonly statusCode: number, message: string, readonly field: string | null = null, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }

  toBody(): { errors: Array<Record<string, unknown>> } {
    return { errors: [{ field: this.field, message: this.message, ...this.extra }] };
  }
}

export const errors = {
  /** The spec's example for a missing key. */
  authorizationRequired: () => new SendGridError(401, 'authorization required'),
  /** Seen for unknown or revoked keys (sendgrid-php#793), with an explicit `help: null`. */
  invalidGrant: () => new SendGridError(401, 'The provided authorization grant is invalid, expired, or revoked', null, { help: null }),
  forbidden: () => new SendGridError(403, 'access forbidden'),
  /** Wording not documented; status and shape are. */
  notFound: (what: string) => new SendGridError(404, `${what} not found`),
  methodNotAllowed: () => new SendGridError(405, 'method not allowed'),
  badParameter: (field: string, message: string) => new SendGridError(400, message, field),
  tooManyRequests: () => new SendGridError(429, 'too many requests'),
  internal: () => new SendGridError(500, 'internal server error'),
  unavailable: () => new SendGridError(503, 'service unavailable'),
};
