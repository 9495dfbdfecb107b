import { z } from 'zod';
import { FAILED_PHASES, MIGRATION_STATUSES, TERMINAL_STATUSES } from '../migrations/migration-status.js';
import { MigrationJobStore, type MigrationJob, type Queryable } from '../migrations/migration-job.store.js';
import { KNOWN_SOURCES } from '../source-catalog/source-catalog.js';
import { importProgressSchema, type ImportProgress } from '../../model/import-state.js';
import type { ImportResult } from '../../model/import-result.js';

/**
 * A NOTIFY of `migration_progress`, as the trigger of migration 0013 builds it: the job's
 * progress column and what a subscriber is shown beside it. `partial` (a payload too big for
 * NOTIFY) names the job only, and the hub reads the row.
 */
export const progressNotificationSchema = z.union([
  z.object({
    id: z.string(),
    organizationId: z.string(),
    source: z.enum(KNOWN_SOURCES),
    status: z.enum(MIGRATION_STATUSES),
    progress: importProgressSchema,
    errorMessage: z.string().nullable(),
    failedPhase: z.enum(FAILED_PHASES).nullable(),
    createdAt: z.coerce.date(),
    updatedAt: z.coerce.date(),
    completedAt: z.coerce.date().nullable(),
  }),
  z.object({ id: z.string(), organizationId: z.string(), status: z.enum(MIGRATION_STATUSES), partial: z.literal(true) }),
]);
export type ProgressNotification = z.infer<typeof progressNotificationSchema>;

/** What a subscriber sees of a job; `result` is read from the row for a terminal state. */
export interface ProgressState {
  id: string;
  organizationId: string;
  source: MigrationJob['source'];
  status: MigrationJob['status'];
  progress: ImportProgress;
  errorMessage: string | null;
  failedPhase: MigrationJob['failedPhase'];
  result: ImportResult | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

/** The jobs' states from the database: the truth the notifications summarise. */
export async function readProgressStates(db: Queryable, jobIds: string[]): Promise<ProgressState[]> {
  return (await new MigrationJobStore(db).findMany(jobIds)).map(progressOf);
}

/** The states of the organizations' jobs changed since `since` (after a lost LISTEN connection). */
export async function readChangedStates(db: Queryable, organizationIds: string[], since: Date): Promise<ProgressState[]> {
  return (await new MigrationJobStore(db).changedSince(organizationIds, since)).map(progressOf);
}

export function progressOf(job: MigrationJob): ProgressState {
  return {
    id: job.id,
    organizationId: job.organizationId,
    source: job.source,
    status: job.status,
    progress: job.progress,
    errorMessage: job.errorMessage,
    failedPhase: job.failedPhase,
    result: job.importResult,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    completedAt: job.completedAt,
  };
}

/** A notification as a state, or null when it is partial (the row has to be read). */
export function stateOfNotification(n: ProgressNotification): ProgressState | null {
  if ('partial' in n) return null;
  return { ...n, result: null };
}

export function isTerminal(state: Pick<ProgressState, 'status'>): boolean {
  return TERMINAL_STATUSES.includes(state.status);
}

/** Percent shown: 100 once completed, the import's saved share while it runs, null before. */
export function percentOf(state: ProgressState): number | null {
  if (state.status === 'completed') return 100;
  if (state.status === 'pending' || state.status === 'scanning' || state.status === 'ready_for_review') return null;
  return state.progress.percent ?? null;
}

/** Seconds left, as of `updatedAt`, while importing; 0 once completed; null otherwise. */
export function etaOf(state: ProgressState): number | null {
  if (state.status === 'completed') return 0;
  return state.status === 'importing' ? (state.progress.etaSeconds ?? null) : null;
}
