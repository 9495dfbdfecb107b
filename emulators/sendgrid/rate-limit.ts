/**
 * SendGrid's rate limit: a bucket per endpoint (method + path template) per refresh period,
 * reported on every response as `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset` (unix epoch seconds of the next refresh). No Retry-After is documented,
 * so none is sent: clients must sleep until the reset time (sendgrid.md §0).
 */

export interface RateLimitConfig {
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class PerEndpointRateLimiter {
  private readonly buckets = new Map<string, { windowStart: number; used: number }>();

  constructor(private readonly config: RateLimitConfig, private readonly clock: () => number) {
    if (!Number.isInteger(config.limit) || config.limit < 1) throw new Error(`rate limit must be a positive integer, got ${config.limit}`);
    if (!(config.windowSeconds > 0)) throw new Error(`rate limit window must be positive, got ${config.windowSeconds}`);
  }

  /** Counts one request on `endpoint` if its bucket has room; a refused request consumes nothing. */
  take(endpoint: string): RateDecision {
    const windowMs = this.config.windowSeconds * 1000;
    const now = this.clock();
    const start = Math.floor(now / windowMs) * windowMs; // windows aligned to the epoch, like a refresh period
    let bucket = this.buckets.get(endpoint);
    if (!bucket || bucket.windowStart !== start) this.buckets.set(endpoint, (bucket = { windowStart: start, used: 0 }));
    const allowed = bucket.used < this.config.limit;
    if (allowed) bucket.used++;
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(this.config.limit),
        'x-ratelimit-remaining': String(this.config.limit - bucket.used),
        'x-ratelimit-reset': String(Math.ceil((start + windowMs) / 1000)),
      },
    };
  }
}
