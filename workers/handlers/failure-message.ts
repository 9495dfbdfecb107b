import { SourceError } from '../../src/sources/source-types.js';
import { CredentialUnsealError } from '../../src/modules/credentials/credential-sealer.js';

/** A message for `error_message`: what went wrong, for humans, never a credential or a stack. */
export function describeFailure(err: unknown): string {
  if (err instanceof SourceError) return err.message;
  if (err instanceof CredentialUnsealError) return 'The stored credential could not be unsealed; start a new migration';
  return 'Internal error while processing the migration; retry it, and contact support if it persists';
}
