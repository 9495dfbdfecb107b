import { cleanText } from '../../errors/message-text.js';
import { parseProviderJson } from '../shared/provider-json.js';
import { RatePacer } from '../shared/rate-pacer.js';
import { SourceError } from '../source-types.js';
import { BACKOFF_BASE_MS, jitteredBackoff } from '../shared/backoff.js';
import { RetryBudget } from '../shared/retry-budget.js';

/** Resend's documented default before a response tells us the team's real limit. */
export const RESEND_INITIAL_RATE_LIMIT = 2;
export const RESEND_REQUEST_TIMEOUT_MS = 30_000;
const USER_AGENT = 'migrate-service/0.1 (+resend-connector)';

export interface ResendHttpOptions {
  baseUrl: string;
  apiKey: string;
  signal?: AbortSignal;
  /** Shared by every client of one import so the team's limit is respected overall. */
  pacer?: RatePacer;
  /** Backoff base; tests shorten it. */
  backoffBaseMs?: number;
  /** How long one request is retried in all (see RetryBudget). */
  retryBudgetMs?: number;
}

export interface ResendRequestStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

interface FlatError {
  statusCode?: number;
  name?: string;
  message?: string;
}

/**
 * GETs JSON from Resend: paced under the team's rate limit (read from `ratelimit-*` headers),
 * retrying 429 after `retry-after` and 5xx / network / malformed responses with jittered
 * backoff, and mapping failures to SourceError.
 */
export class ResendHttp {
  readonly pacer: RatePacer;
  readonly stats: ResendRequestStats = { requests: 0, retries: 0, rateLimited: 0 };
  private readonly baseUrl: string;

  constructor(private readonly options: ResendHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.pacer = options.pacer ?? new RatePacer(RESEND_INITIAL_RATE_LIMIT);
  }

  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const endpoint = `GET ${path}`;
    let lastProblem = '';
    let attempt = 0;
    let rateLimited = 0;
    const budget = new RetryBudget(this.options.retryBudgetMs);
    while (budget.open) {
      budget.attempts++;
      attempt++;
      if (budget.attempts > 1) this.stats.retries++;
      await this.pacer.acquire(this.options.signal);
      this.stats.requests++;
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { authorization: `Bearer ${this.options.apiKey}`, 'user-agent': USER_AGENT, accept: 'application/json' },
          signal: this.options.signal
            ? AbortSignal.any([this.options.signal, AbortSignal.timeout(RESEND_REQUEST_TIMEOUT_MS)])
            : AbortSignal.timeout(RESEND_REQUEST_TIMEOUT_MS),
        });
      } catch (err) {
        if (this.options.signal?.aborted) throw this.options.signal.reason ?? err;
        lastProblem = `network error: ${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message ?? (err as Error).cause) : (err as Error).message}`;
        await this.backoff(attempt, budget);
        continue;
      }
      this.observeRateHeaders(res.headers);
      const text = await res.text().catch((err: Error) => {
        lastProblem = `connection cut while reading the response: ${err.message}`;
        return null;
      });
      if (text === null) {
        await this.backoff(attempt, budget);
        continue;
      }
      if (res.status === 429) {
        this.stats.rateLimited++;
        rateLimited++;
        attempt--;
        const retryAfter = Number(res.headers.get('retry-after'));
        const waitMs = (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000;
        this.pacer.pauseFor(waitMs);
        lastProblem = `rate limited (429${res.headers.has('retry-after') ? `, Retry-After ${retryAfter} s` : ''})`;
        if (waitMs > budget.remainingMs) break;
        continue;
      }
      if (res.status >= 500) {
        lastProblem = `server error ${res.status}`;
        await this.backoff(attempt, budget);
        continue;
      }
      let body: unknown;
      try {
        body = parseProviderJson(text);
      } catch {
        lastProblem = `invalid JSON in a ${res.status} response`;
        await this.backoff(attempt, budget);
        continue;
      }
      if (res.ok) return body as T;
      throw this.mapError(endpoint, res.status, body as FlatError);
    }
    throw new SourceError(
      lastProblem.startsWith('rate limited') ? 'rate_limited' : 'unavailable',
      `Resend ${endpoint} failed after ${budget.describe()} (${lastProblem})`,
      { endpoint },
    );
  }

  /** Adopts the team's limit and backs off when others' traffic used the window up. */
  private observeRateHeaders(headers: Headers): void {
    const limit = Number(headers.get('ratelimit-limit'));
    if (Number.isFinite(limit) && limit > 0) this.pacer.setLimit(limit);
    const remaining = Number(headers.get('ratelimit-remaining'));
    const reset = Number(headers.get('ratelimit-reset'));
    if (
      headers.has('ratelimit-remaining') &&
      remaining === 0 &&
      this.pacer.recentCount() < this.pacer.currentLimit &&
      Number.isFinite(reset)
    ) {
      // The window is spent but not by us: another client of the team shares it.
      this.pacer.pauseFor(Math.max(reset, 0.1) * 1000);
    }
  }

  /** A jittered wait, never past what remains of the request's retry budget. */
  private backoff(attempt: number, budget: RetryBudget): Promise<void> {
    return jitteredBackoff(attempt, this.options.backoffBaseMs ?? BACKOFF_BASE_MS, this.options.signal, budget.remainingMs);
  }

  private mapError(endpoint: string, status: number, body: FlatError): SourceError {
    const name = cleanText(body?.name, 60) || 'unknown';
    const message = cleanText(body?.message) || `HTTP ${status}`;
    const details = { endpoint, status, providerCode: name };
    if (status === 401 && name === 'restricted_api_key') {
      return new SourceError(
        'restricted_credential',
        'This Resend API key can only send emails. Create a Full access key at https://resend.com/api-keys and try again.',
        details,
      );
    }
    if (status === 401 || status === 403) {
      return new SourceError('invalid_credential', `Resend rejected the API key (${name}: ${message})`, details);
    }
    if (status === 404) return new SourceError('not_found', `Resend ${endpoint}: ${message}`, details);
    return new SourceError('unexpected_response', `Resend ${endpoint} answered ${status} ${name}: ${message}`, details);
  }
}
