import { BACKOFF_BASE_MS, jitteredBackoff } from './backoff.js';

/**
 * How long one request (or one export file) keeps being retried across 5xx, network errors,
 * cut connections, malformed bodies and 429s: a time, not a count, so a provider's blip of a
 * minute is ridden out instead of failing an hour of import. `PROVIDER_RETRY_SECONDS`.
 */
export const DEFAULT_RETRY_BUDGET_MS = 300_000;

export class RetryBudget {
  private readonly startedAt = Date.now();
  attempts = 0;

  constructor(private readonly budgetMs = DEFAULT_RETRY_BUDGET_MS) {}

  /** Whether another attempt may start (the first always may). */
  get open(): boolean {
    return this.attempts === 0 || this.remainingMs > 0;
  }

  get remainingMs(): number {
    return this.budgetMs - (Date.now() - this.startedAt);
  }

  /** The jittered wait before retrying after failed attempt `attempt`; never past what remains of the budget. */
  backoff(attempt: number, baseMs = BACKOFF_BASE_MS, signal?: AbortSignal): Promise<void> {
    return jitteredBackoff(attempt, baseMs, signal, this.remainingMs);
  }

  /** "6 attempts over 12 s", for a message. */
  describe(): string {
    return `${this.attempts} attempt${this.attempts === 1 ? '' : 's'} over ${Math.round((Date.now() - this.startedAt) / 1000)} s`;
  }
}
