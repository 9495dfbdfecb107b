import { builder } from './builder.js';
import {
  AppError, CredentialRejectedError, ERROR_HTTP_STATUS, InvalidStatusError, NotFoundError, SourceUnavailableError,
  UnsupportedSourceError, ValidationError, type ErrorCode,
} from '../errors/app-error.js';

/**
 * Expected failures of mutations, as typed members of their result unions. The code is the
 * one vocabulary GraphQL (`extensions.code` of top-level errors) and REST (`error.code`) share.
 */
export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'The error vocabulary shared by GraphQL and the REST API; REST answers each with its HTTP status.',
  values: Object.fromEntries(
    (Object.keys(ERROR_HTTP_STATUS) as ErrorCode[]).map((code) => [code, { value: code, description: `HTTP ${ERROR_HTTP_STATUS[code]} in REST` }]),
  ) as Record<ErrorCode, { value: ErrorCode; description: string }>,
});

export const UserErrorInterface = builder.interfaceRef<AppError>('UserError').implement({
  description: 'An expected failure of a mutation: nothing was changed.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'The code; REST answers it with its HTTP status', resolve: (e) => e.code }),
    message: t.exposeString('message', { description: 'For people; never holds a secret' }),
  }),
});

builder.objectType(NotFoundError, { name: 'NotFoundError', description: 'No such object in the caller’s organization.', interfaces: [UserErrorInterface], isTypeOf: (v) => v instanceof NotFoundError, fields: () => ({}) });
builder.objectType(InvalidStatusError, { name: 'InvalidStatusError', description: 'The migration job is not in a status that allows this.', interfaces: [UserErrorInterface], isTypeOf: (v) => v instanceof InvalidStatusError, fields: () => ({}) });
builder.objectType(CredentialRejectedError, { name: 'CredentialRejectedError', description: 'The provider rejected the credential.', interfaces: [UserErrorInterface], isTypeOf: (v) => v instanceof CredentialRejectedError, fields: () => ({}) });
builder.objectType(SourceUnavailableError, { name: 'SourceUnavailableError', description: 'The provider could not be reached or did not answer in time.', interfaces: [UserErrorInterface], isTypeOf: (v) => v instanceof SourceUnavailableError, fields: () => ({}) });
builder.objectType(UnsupportedSourceError, { name: 'UnsupportedSourceError', description: 'The source is known but not supported by this deployment yet.', interfaces: [UserErrorInterface], isTypeOf: (v) => v instanceof UnsupportedSourceError, fields: () => ({}) });

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input is not valid.',
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    path: t.stringList({ description: 'Where in the input (e.g. ["options", "audiences"]); empty when not one field’s', resolve: (e) => e.fieldPath }),
  }),
});

export { CredentialRejectedError, InvalidStatusError, NotFoundError, SourceUnavailableError, UnsupportedSourceError, ValidationError };
