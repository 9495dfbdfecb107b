import { describedEnum } from '../../graphql/described-enum.js';
import { KNOWN_SOURCES } from '../source-catalog/source-catalog.js';
import { FAILED_PHASES, MIGRATION_STATUSES } from './migration-status.js';

/** The REST contract's status table, value for value. */
export const MigrationStatusEnum = describedEnum(
  'MigrationStatus',
  'Where a migration job stands: pending → scanning → ready_for_review → importing → completed, or failed.',
  MIGRATION_STATUSES,
  {
    pending: 'Scan queued',
    scanning: 'Scan in progress',
    ready_for_review: 'Scan complete — scanResult is populated, awaiting approval',
    importing: 'Import in progress (the user approved)',
    completed: 'Import finished successfully',
    failed: 'Scan or import failed. See errorMessage. Retryable.',
  },
);

export const SourceProviderEnum = describedEnum(
  'SourceProvider',
  'A provider a migration reads from. `migrationSources` lists the ones this deployment supports.',
  KNOWN_SOURCES,
  { resend: 'Resend', sendgrid: 'Twilio SendGrid', mailgun: 'Mailgun', postmark: 'Postmark' },
);

export const FailedPhaseEnum = describedEnum('FailedPhase', 'Where a failed job failed.', FAILED_PHASES, {
  scan: 'While scanning: retry scans again',
  import: 'While importing: retry resumes after the last committed batch',
});
