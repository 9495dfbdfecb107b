export const MIGRATION_STATUSES = ['pending', 'scanning', 'ready_for_review', 'importing', 'completed', 'failed'] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly MigrationStatus[] = ['completed', 'failed'];
export const LIVE_STATUSES: readonly MigrationStatus[] = ['pending', 'scanning', 'ready_for_review', 'importing'];

/** Where a failed job failed: decides what `retry` resumes. */
export const FAILED_PHASES = ['scan', 'import'] as const;
export type FailedPhase = (typeof FAILED_PHASES)[number];
