import { cleanText } from '../../errors/message-text.js';
import { SourceError, type SourceErrorKind } from '../source-types.js';
import { parseProviderJson } from './provider-json.js';
import { RetryBudget } from './retry-budget.js';

export interface ProviderHttpOptions {
  baseUrl: string;
  signal?: AbortSignal;
  /** Backoff base; tests shorten it. */
  backoffBaseMs?: number;
  /** How long one request is retried in all (see RetryBudget). */
  retryBudgetMs?: number;
}

/** What tells one provider's requests apart without changing how they are retried. */
export interface ProviderProfile {
  /** Starts every message: "Resend GET /domains failed after …". */
  name: string;
  userAgent: string;
  timeoutMs: number;
  /** Headers that authenticate every request: a Bearer key, Basic `api:<key>`, or a token header of the provider's own. */
  auth: Record<string, string>;
}

export interface ProviderRequestStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

export type ProviderQuery = Record<string, string | number | undefined>;

/** One logical request, the same across its attempts: what rate-limit hooks key their state on. */
export interface ProviderRequest {
  method: string;
  /** Without the query. */
  path: string;
  /** `GET /domains`: names the request in messages and SourceError details. */
  endpoint: string;
}

/** What a failed response's body says; the message is cleaned here, whatever the provider sent. */
export interface ProviderErrorText {
  /** The provider's error code or name, kept as `providerCode` and shown before the message. */
  code?: string;
  message?: unknown;
}

export interface RateLimitVerdict {
  /** Why the request gave up, if it does: "rate limited (429, Retry-After 2 s)". */
  problem: string;
  /** False when the wait the provider asks for outlasts the retry budget: give up now rather than sleep in vain. */
  retry: boolean;
}

/**
 * Sends a provider's JSON requests: retries 5xx, network errors, cut connections and malformed
 * bodies with jittered backoff and 429s as the provider asks, all within one RetryBudget per
 * request, and maps failures to SourceError. A provider supplies its profile and the hooks
 * below: how its rate limit is read and waited for, and how its error bodies and statuses read.
 */
export abstract class ProviderHttpClient {
  readonly stats: ProviderRequestStats = { requests: 0, retries: 0, rateLimited: 0 };
  protected readonly baseUrl: string;

  constructor(
    private readonly profile: ProviderProfile,
    protected readonly options: ProviderHttpOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get<T>(path: string, query: ProviderQuery = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  /** A 429 was answered: record the wait the provider asked for (beforeAttempt keeps to it). */
  protected abstract rateLimited(request: ProviderRequest, headers: Headers, budget: RetryBudget): RateLimitVerdict;

  /** The code and message in a failed response's (parsed) body. */
  protected abstract readError(body: unknown): ProviderErrorText;

  /** Waits until the provider's limit allows this attempt (already counted); false gives up, the wait outlasting the budget. */
  protected async beforeAttempt(_request: ProviderRequest, _budget: RetryBudget): Promise<boolean> {
    return true;
  }

  /** Every response's headers, so a limit is kept before it is hit. */
  protected observe(_request: ProviderRequest, _headers: Headers): void {}

  /** Statuses worth another attempt after a backoff. */
  protected retryable(status: number): boolean {
    return status >= 500;
  }

  /** The response body; throwing means it is malformed, and the request is retried. */
  protected parseBody(text: string): unknown {
    return parseProviderJson(text);
  }

  protected errorKind(status: number, _code: string | undefined): SourceErrorKind {
    if (status === 401 || status === 403) return 'invalid_credential';
    if (status === 404) return 'not_found';
    return 'unexpected_response';
  }

  /** The provider's own words for a kind (what the user should do), instead of the standard message. */
  protected ownMessage(_kind: SourceErrorKind): string | undefined {
    return undefined;
  }

  /** Why an attempt got no whole response, for the message if the request gives up. */
  protected transportProblem(failure: 'network' | 'cut', err: Error): string {
    if (failure === 'cut') return `connection cut while reading the response: ${err.message}`;
    // fetch only says "fetch failed"; the cause says what happened (ECONNREFUSED, a reset).
    const cause = err.cause as { message?: unknown } | undefined;
    return `network error: ${cause ? String(cause.message ?? cause) : err.message}`;
  }

  protected async request<T>(method: string, path: string, query: ProviderQuery = {}, body?: unknown): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const request: ProviderRequest = { method, path, endpoint: `${method} ${path}` };
    const { signal } = this.options;
    const budget = new RetryBudget(this.options.retryBudgetMs);
    // The backoff exponent: a 429 waits as the provider says, so it does not grow the next backoff.
    let attempt = 0;
    let problem = '';
    let rateLimitedLast = false;
    const retryLater = (why: string): Promise<void> => {
      problem = why;
      rateLimitedLast = false;
      return budget.backoff(attempt, this.options.backoffBaseMs, signal);
    };
    while (budget.open) {
      budget.attempts++;
      attempt++;
      if (budget.attempts > 1) this.stats.retries++;
      if (!(await this.beforeAttempt(request, budget))) break;
      this.stats.requests++;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: this.headers(body !== undefined),
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: this.attemptSignal(),
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason ?? err;
        await retryLater(this.transportProblem('network', err as Error));
        continue;
      }
      this.observe(request, res.headers);
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        await retryLater(this.transportProblem('cut', err as Error));
        continue;
      }
      if (res.status === 429) {
        this.stats.rateLimited++;
        attempt--;
        const verdict = this.rateLimited(request, res.headers, budget);
        problem = verdict.problem;
        rateLimitedLast = true;
        if (!verdict.retry) break;
        continue;
      }
      if (this.retryable(res.status)) {
        await retryLater(`server error ${res.status}`);
        continue;
      }
      let parsed: unknown;
      try {
        parsed = this.parseBody(text);
      } catch {
        await retryLater(`invalid JSON in a ${res.status} response`);
        continue;
      }
      if (res.ok) return parsed as T;
      throw this.failure(request.endpoint, res.status, parsed);
    }
    throw new SourceError(
      rateLimitedLast ? 'rate_limited' : 'unavailable',
      `${this.profile.name} ${request.endpoint} failed after ${budget.describe()} (${problem})`,
      { endpoint: request.endpoint },
    );
  }

  private headers(hasBody: boolean): Record<string, string> {
    return {
      ...this.profile.auth,
      'user-agent': this.profile.userAgent,
      accept: 'application/json',
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    };
  }

  /** The caller's signal, and a timeout per attempt (an attempt that times out is retried). */
  private attemptSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.profile.timeoutMs);
    return this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
  }

  private failure(endpoint: string, status: number, body: unknown): SourceError {
    const { code, message: said } = this.readError(body);
    const message = cleanText(said) || `HTTP ${status}`;
    const kind = this.errorKind(status, code);
    const coded = code ? `${code}: ${message}` : message;
    const name = this.profile.name;
    const standard: Partial<Record<SourceErrorKind, string>> = {
      invalid_credential: `${name} rejected the API key (${coded})`,
      forbidden: `${name} ${endpoint}: ${message} (the key lacks a scope)`,
      not_found: `${name} ${endpoint}: ${message}`,
    };
    return new SourceError(
      kind,
      this.ownMessage(kind) ?? standard[kind] ?? `${name} ${endpoint} answered ${status}${code ? ` ${code}` : ''}: ${message}`,
      code === undefined ? { endpoint, status } : { endpoint, status, providerCode: code },
    );
  }
}
