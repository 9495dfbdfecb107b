import { z } from 'zod';
import { MIGRATION_STATUSES, TERMINAL_STATUSES } from '../migrations/migration-status.js';
import { MigrationJobStore, type MigrationJob, type Queryable } from '../migrations/migration-job.store.js';
import { kindCountSchema, PROGRESS_PHASES } from '../../model/import-state.js';

/**
 * What a subscriber sees of a job: small enough for a NOTIFY payload (the trigger of migration
 * 0004 builds it; a payload too big for NOTIFY carries no counts, and the hub reads them).
 */
export const progressStateSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  status: z.enum(MIGRATION_STATUSES),
  phase: z.enum(PROGRESS_PHASES).nullable().optional().transform((p) => p ?? null),
  counts: z.record(z.string(), kindCountSchema).nullable().optional().transform((c) => c ?? {}),
  errorMessage: z.string().nullable().optional(),
  startedAt: z.string().nullable().optional(),
});
export type ProgressState = z.output<typeof progressStateSchema>;

/** The jobs' progress states from the database: the truth the notifications summarise. */
export async function readProgressStates(db: Queryable, jobIds: string[]): Promise<ProgressState[]> {
  return (await new MigrationJobStore(db).findMany(jobIds)).map(progressOf);
}

export function progressOf(job: MigrationJob): ProgressState {
  return {
    id: job.id,
    organizationId: job.organizationId,
    status: job.status,
    phase: job.progress.phase ?? null,
    counts: job.progress.counts,
    errorMessage: job.errorMessage,
    startedAt: job.progress.startedAt ?? null,
  };
}

export function isTerminal(state: ProgressState): boolean {
  return TERMINAL_STATUSES.includes(state.status);
}

/** Share of the known work done, 0..100; null while nothing has a known total. */
export function percentDone(state: ProgressState): number | null {
  if (state.status === 'completed') return 100;
  let processed = 0;
  let total = 0;
  for (const c of Object.values(state.counts ?? {})) {
    if (c.total === null || c.total === undefined || c.total <= 0) continue;
    processed += Math.min(c.processed, c.total);
    total += c.total;
  }
  return total > 0 ? Math.round((processed / total) * 1000) / 10 : null;
}

/** Seconds left at the pace so far; null before there is a pace to go by. */
export function etaSeconds(state: ProgressState, now = Date.now()): number | null {
  if (state.status !== 'importing' || !state.startedAt) return state.status === 'completed' ? 0 : null;
  const percent = percentDone(state);
  if (!percent || percent <= 0) return null;
  const elapsed = (now - new Date(state.startedAt).getTime()) / 1000;
  return Math.max(0, Math.round((elapsed * (100 - percent)) / percent));
}
