import { RatePacer } from './rate-pacer.js';
import { parseProviderJson } from './provider-json.js';
import type { RetryBudget } from './retry-budget.js';
import { ProviderHttpClient, type ProviderHttpOptions, type ProviderProfile, type ProviderRequest, type RateLimitVerdict } from './provider-http.js';

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

/** A provider client on an AdaptivePace: every attempt waits its turn, a 429 slows the pace down. */
export abstract class AdaptivelyPacedHttp extends ProviderHttpClient {
  constructor(
    profile: ProviderProfile,
    options: ProviderHttpOptions,
    protected readonly pace: AdaptivePace,
  ) {
    super(profile, options);
  }

  protected override async beforeAttempt(_request: ProviderRequest, _budget: RetryBudget): Promise<boolean> {
    await this.pace.acquire(this.options.signal);
    return true;
  }

  protected override observe(): void {
    this.pace.answeredOne();
  }

  protected rateLimited(_request: ProviderRequest, _headers: Headers, budget: RetryBudget): RateLimitVerdict {
    this.pace.limited(budget.attempts);
    return { problem: 'rate limited (429, no rate headers)', retry: true };
  }

  /** Some answers (an error, an empty list) have no body at all. */
  protected override parseBody(text: string): unknown {
    return text.trim() ? parseProviderJson(text) : null;
  }
}
