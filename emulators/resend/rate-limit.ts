/**
 * Resend's per-team rate limit: a fixed 1-second window (aligned to the clock's whole seconds),
 * reported on every response in the IETF draft-06 style the recordings show:
 * `ratelimit-limit: 10`, `ratelimit-remaining: 7`, `ratelimit-reset: 1`, `ratelimit-policy: 10;w=1`.
 */

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class FixedWindowRateLimiter {
  private windowStart = -1;
  private used = 0;

  constructor(private limit: number, private readonly clock: () => number) {
    this.setLimit(limit);
  }

  setLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  /** Counts one request if the window has room; a refused request consumes nothing. */
  take(): RateDecision {
    const now = this.clock();
    const start = Math.floor(now / 1000) * 1000;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    const allowed = this.used < this.limit;
    if (allowed) this.used++;
    // Seconds until the window resets, rounded up: always 1 for a 1-second window.
    const reset = Math.max(1, Math.ceil((start + 1000 - now) / 1000));
    const headers: Record<string, string> = {
      'ratelimit-limit': String(this.limit),
      'ratelimit-remaining': String(Math.max(0, this.limit - this.used)),
      'ratelimit-reset': String(reset),
      'ratelimit-policy': `${this.limit};w=1`,
    };
    if (!allowed) headers['retry-after'] = String(reset);
    return { allowed, headers };
  }
}
