import { builder } from '../../graphql/builder.js';
import { KNOWN_SOURCES } from '../source-catalog/source-catalog.js';
import { FAILED_PHASES, MIGRATION_STATUSES } from './migration-status.js';

/** The REST contract's status table, value for value. */
export const MigrationStatusEnum = builder.enumType('MigrationStatus', {
  description: 'Where a migration job stands: pending → scanning → ready_for_review → importing → completed, or failed.',
  values: {
    pending: { value: 'pending', description: 'Scan queued' },
    scanning: { value: 'scanning', description: 'Scan in progress' },
    ready_for_review: { value: 'ready_for_review', description: 'Scan complete — scanResult is populated, awaiting approval' },
    importing: { value: 'importing', description: 'Import in progress (the user approved)' },
    completed: { value: 'completed', description: 'Import finished successfully' },
    failed: { value: 'failed', description: 'Scan or import failed. See errorMessage. Retryable.' },
  } as const satisfies Record<(typeof MIGRATION_STATUSES)[number], { readonly value: string; readonly description: string }>,
});

export const SourceProviderEnum = builder.enumType('SourceProvider', {
  description: 'A provider a migration reads from. `migrationSources` lists the ones this deployment supports.',
  values: {
    resend: { value: 'resend', description: 'Resend' },
    sendgrid: { value: 'sendgrid', description: 'Twilio SendGrid' },
    mailgun: { value: 'mailgun', description: 'Mailgun' },
    postmark: { value: 'postmark', description: 'Postmark' },
  } as const satisfies Record<(typeof KNOWN_SOURCES)[number], { readonly value: string; readonly description: string }>,
});

export const FailedPhaseEnum = builder.enumType('FailedPhase', {
  description: 'Where a failed job failed.',
  values: {
    scan: { value: 'scan', description: 'While scanning: retry scans again' },
    import: { value: 'import', description: 'While importing: retry resumes after the last committed batch' },
  } as const satisfies Record<(typeof FAILED_PHASES)[number], { readonly value: string; readonly description: string }>,
});
