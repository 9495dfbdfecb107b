import { RatePacer } from './rate-pacer.js';

/**
 * A pace for providers that publish no rate and answer a 429 without saying when to come back
 * (Mailgun, Postmark): start at `start` requests a second, halve after a 429 (and pause, longer
 * on each retry of the same request), and grow back by one per `growEvery` answered requests.
 */
export class AdaptivePace {
  private readonly pacer: RatePacer;
  private answered = 0;

  constructor(
    private readonly start: number,
    private readonly growEvery = 50,
  ) {
    this.pacer = new RatePacer(start);
  }

  get rate(): number {
    return this.pacer.currentLimit;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    return this.pacer.acquire(signal);
  }

  /** A response arrived (a 429 then also calls `limited`). */
  answeredOne(): void {
    if (++this.answered % this.growEvery === 0 && this.pacer.currentLimit < this.start) this.pacer.setLimit(this.pacer.currentLimit + 1);
  }

  /** A 429 arrived on the `attempt`-th try of a request. */
  limited(attempt: number): void {
    this.pacer.setLimit(Math.max(1, Math.floor(this.pacer.currentLimit / 2)));
    this.pacer.pauseFor(Math.min(1000 * 2 ** Math.min(attempt - 1, 4), 15_000));
  }
}
