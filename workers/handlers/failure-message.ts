import { SourceError, type SourceErrorKind } from '../../src/sources/source-types.js';
import { redactSecret } from '../../src/errors/message-text.js';
import { CredentialUnsealError } from '../../src/modules/credentials/credential-sealer.js';

/** What the user can do about each kind of failure that stops a whole job. */
const NEXT_STEP: Record<SourceErrorKind, string> = {
  invalid_credential: 'the provider no longer accepts the key (revoked or rotated?): start a new migration with a valid key',
  restricted_credential: 'start a new migration with a key that may read the account',
  forbidden: 'give the key the missing permission, then retry',
  unavailable: 'the provider could not be reached: retry the migration once it answers again (it resumes where it stopped)',
  rate_limited: 'the provider kept refusing for its rate limit: retry later (it resumes where it stopped)',
  unexpected_response: 'the provider answered something it should not: retry, and contact support if it persists',
  not_found: 'retry, and contact support if it persists',
  pagination_stuck: 'the provider repeated a page: retry, and contact support if it persists',
};

/**
 * A message for `error_message`: which phase stopped, what went wrong and what to do, for
 * humans, never a credential or a stack.
 */
export function describeFailure(err: unknown, credential?: string, phase?: string): string {
  const where = phase ? ` in the ${phase.replace(/_/g, ' ')} phase` : '';
  if (err instanceof SourceError) return `Stopped${where}: ${redactSecret(err.message, credential)}; ${NEXT_STEP[err.kind]}`;
  if (err instanceof CredentialUnsealError) return 'The stored credential could not be unsealed; start a new migration';
  return `Internal error${where} while processing the migration; retry it, and contact support if it persists`;
}
