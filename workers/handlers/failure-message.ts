import { SourceError } from '../../src/sources/source-types.js';
import { redactSecret } from '../../src/errors/message-text.js';
import { CredentialUnsealError } from '../../src/modules/credentials/credential-sealer.js';

/** A message for `error_message`: what went wrong, for humans, never a credential or a stack. */
export function describeFailure(err: unknown, credential?: string): string {
  if (err instanceof SourceError) return redactSecret(err.message, credential);
  if (err instanceof CredentialUnsealError) return 'The stored credential could not be unsealed; start a new migration';
  return 'Internal error while processing the migration; retry it, and contact support if it persists';
}
