/** Resend's flat error body `{statusCode, message, name}` and the errors the emulator answers. */

export class ApiError extends Error {
  constructor(readonly statusCode: number, readonly errorName: string, message: string) {
    super(message);
  }

  toBody(): { statusCode: number; message: string; name: string } {
    return { statusCode: this.statusCode, message: this.message, name: this.errorName };
  }
}

const PAGINATION_DOCS = 'See https://resend.com/docs/pagination for more information.';

export const errors = {
  missingApiKey: () => new ApiError(401, 'missing_api_key', 'Missing API key in the authorization header.'),
  invalidApiKey: () => new ApiError(403, 'invalid_api_key', 'API key is invalid.'),
  restrictedApiKey: () => new ApiError(401, 'restricted_api_key', 'This API key is restricted to only send emails.'),
  /** Cloudflare blocks requests without a User-Agent before they reach the API (error code 1010). */
  missingUserAgent: () => new ApiError(403, 'forbidden', 'Access denied (Cloudflare error code 1010): the request has no User-Agent header.'),
  endpointNotFound: () => new ApiError(404, 'not_found', 'The requested endpoint does not exist.'),
  notFound: (what: string) => new ApiError(404, 'not_found', `${what} not found`),
  methodNotAllowed: () => new ApiError(405, 'method_not_allowed', 'Method Not Allowed'),
  /** The one message Resend documents for pagination errors. */
  invalidLimit: () => new ApiError(422, 'validation_error', `The pagination limit must be a number between 1 and 100. ${PAGINATION_DOCS}`),
  /** Not documented verbatim; same name and status as the documented pagination error. */
  bothCursors: () => new ApiError(422, 'validation_error', `You can only use \`after\` or \`before\`, not both. ${PAGINATION_DOCS}`),
  invalidCursor: (param: string) => new ApiError(422, 'validation_error', `The \`${param}\` cursor is invalid. ${PAGINATION_DOCS}`),
  invalidParameter: (param: string, allowed: string) => new ApiError(422, 'invalid_parameter', `The \`${param}\` parameter must be one of: ${allowed}.`),
  rateLimited: () => new ApiError(429, 'rate_limit_exceeded', 'Too many requests. Please limit the number of requests per second. Or contact support to increase rate limit.'),
  internal: () => new ApiError(500, 'internal_server_error', 'An unexpected error occurred, please try again later.'),
  unavailable: () => new ApiError(503, 'service_unavailable', 'The service is temporarily unavailable, please try again later.'),
};
