import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps request starts under `limit` per sliding second (plus a margin for network jitter). A
 * sliding-window bound implies the provider's fixed 1-second window is never exceeded by us,
 * while still allowing the full rate.
 */
export class RatePacer {
  private starts: number[] = [];
  private pausedUntil = 0;

  constructor(
    private limit: number,
    private readonly windowMs = 1000,
    private readonly marginMs = 30,
    private readonly now: () => number = Date.now,
  ) {}

  get currentLimit(): number {
    return this.limit;
  }

  setLimit(limit: number): void {
    if (Number.isFinite(limit) && limit >= 1) this.limit = Math.floor(limit);
  }

  /** Stop sending until `ms` from now (the provider said the window is used up). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** How many of our own requests started within the last window. */
  recentCount(): number {
    const cutoff = this.now() - this.windowMs;
    return this.starts.filter((t) => t > cutoff).length;
  }

  /** Resolves when a request may start, and records that it did. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const cutoff = now - this.windowMs - this.marginMs;
      while (this.starts.length && this.starts[0]! <= cutoff) this.starts.shift();
      let wait = this.pausedUntil - now;
      if (this.starts.length >= this.limit) {
        const oldest = this.starts[this.starts.length - this.limit]!;
        wait = Math.max(wait, oldest + this.windowMs + this.marginMs - now);
      }
      if (wait <= 0) {
        this.starts.push(now);
        return;
      }
      await sleep(wait, undefined, { signal });
    }
  }
}
