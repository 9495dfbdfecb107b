import type { MigrationStatus } from '../migrations/migration-job.entity.js';
import { TERMINAL_STATUSES } from '../migrations/migration-job.entity.js';

/** What a subscriber sees of a job: small enough for a NOTIFY payload. */
export interface ProgressState {
  id: string;
  organizationId: string;
  status: MigrationStatus;
  phase: string | null;
  counts: Record<string, { processed: number; total: number | null }>;
  errorMessage?: string | null;
  startedAt?: string | null;
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
