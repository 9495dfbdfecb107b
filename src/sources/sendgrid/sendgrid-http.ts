import { cleanText } from '../../errors/message-text.js';
import { parseProviderJson } from '../shared/provider-json.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { SourceError } from '../source-types.js';
import { BACKOFF_BASE_MS, jitteredBackoff } from '../shared/backoff.js';
import { RetryBudget } from '../shared/retry-budget.js';

export const SENDGRID_REQUEST_TIMEOUT_MS = 60_000;
const USER_AGENT = 'migrate-service/0.1 (+sendgrid-connector)';

export interface SendGridHttpOptions {
  baseUrl: string;
  apiKey: string;
  signal?: AbortSignal;
  backoffBaseMs?: number;
  /** How long one request is retried in all (see RetryBudget). */
  retryBudgetMs?: number;
}

interface ErrorBody {
  errors?: { message?: string; field?: string | null }[];
}

/**
 * Talks to SendGrid v3: Bearer auth, per-endpoint rate limits read from `X-RateLimit-*` (reset
 * is an epoch second; there is no Retry-After, so we wait until the reset), retries for 5xx and
 * network errors with jittered backoff, and failures mapped to SourceError.
 */
export class SendGridHttp {
  readonly stats = { requests: 0, retries: 0, rateLimited: 0 };
  private readonly baseUrl: string;
  /** Per endpoint (method + path template): when its window allows requests again. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(private readonly options: SendGridHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, {}, body);
  }

  /** A request to an absolute URL SendGrid handed us (e.g. `_metadata.next`). */
  getUrl<T>(url: string): Promise<T> {
    const u = new URL(url, this.baseUrl);
    return this.request<T>('GET', u.pathname, Object.fromEntries(u.searchParams));
  }

  private async request<T>(method: string, path: string, query: Record<string, string | number | undefined>, body?: unknown): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const endpoint = `${method} ${path}`;
    const bucket = `${method} ${path.replace(/\/[^/]*\d[^/]*(?=\/|$)/g, '/{id}')}`;
    let attempt = 0;
    let rateLimited = 0;
    let lastProblem = '';
    const budget = new RetryBudget(this.options.retryBudgetMs);
    while (budget.open) {
      budget.attempts++;
      attempt++;
      if (budget.attempts > 1) this.stats.retries++;
      const wait = (this.blockedUntil.get(bucket) ?? 0) - Date.now();
      if (wait > budget.remainingMs && budget.attempts > 1) break;
      if (wait > 0) await sleep(wait, undefined, { signal: this.options.signal });
      this.stats.requests++;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            'user-agent': USER_AGENT,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: this.signal(),
        });
      } catch (err) {
        if (this.options.signal?.aborted) throw this.options.signal.reason ?? err;
        lastProblem = `network error: ${(err as Error).message}`;
        await this.backoff(attempt, budget);
        continue;
      }
      this.observe(bucket, res.headers);
      const text = await res.text().catch(() => null);
      if (text === null) {
        lastProblem = 'connection cut while reading the response';
        await this.backoff(attempt, budget);
        continue;
      }
      if (res.status === 429) {
        this.stats.rateLimited++;
        rateLimited++;
        attempt--;
        const reset = Number(res.headers.get('x-ratelimit-reset'));
        const until = Number.isFinite(reset) && reset > 0 ? reset * 1000 : Date.now() + 1000;
        this.blockedUntil.set(bucket, Math.max(until, Date.now() + 50));
        lastProblem = 'rate limited (429)';
        continue;
      }
      if (res.status >= 500) {
        lastProblem = `server error ${res.status}`;
        await this.backoff(attempt, budget);
        continue;
      }
      let parsed: unknown = null;
      if (text.trim()) {
        try {
          parsed = parseProviderJson(text);
        } catch {
          lastProblem = `invalid JSON in a ${res.status} response`;
          await this.backoff(attempt, budget);
          continue;
        }
      }
      if (res.ok) return parsed as T;
      throw this.mapError(endpoint, res.status, parsed as ErrorBody);
    }
    throw new SourceError(
      lastProblem.startsWith('rate limited') ? 'rate_limited' : 'unavailable',
      `SendGrid ${endpoint} failed after ${budget.describe()} (${lastProblem})`,
      { endpoint },
    );
  }

  private signal(): AbortSignal {
    const timeout = AbortSignal.timeout(SENDGRID_REQUEST_TIMEOUT_MS);
    return this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
  }

  /** When the window is spent, hold this endpoint until SendGrid's reset instead of earning a 429. */
  private observe(bucket: string, headers: Headers): void {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (headers.has('x-ratelimit-remaining') && remaining <= 0 && Number.isFinite(reset)) {
      this.blockedUntil.set(bucket, reset * 1000);
    }
  }

  /** A jittered wait, never past what remains of the request's retry budget. */
  private backoff(attempt: number, budget: RetryBudget): Promise<void> {
    return jitteredBackoff(attempt, this.options.backoffBaseMs ?? BACKOFF_BASE_MS, this.options.signal, budget.remainingMs);
  }

  private mapError(endpoint: string, status: number, body: ErrorBody | null): SourceError {
    const errors = Array.isArray(body?.errors) ? body.errors : [];
    const message = cleanText(errors.map((e) => cleanText(e?.message)).filter(Boolean).join('; ')) || `HTTP ${status}`;
    const details = { endpoint, status };
    if (status === 401) return new SourceError('invalid_credential', `SendGrid rejected the API key (${message})`, details);
    if (status === 403) return new SourceError('forbidden', `SendGrid ${endpoint}: ${message} (the key lacks a scope)`, details);
    if (status === 404) return new SourceError('not_found', `SendGrid ${endpoint}: ${message}`, details);
    return new SourceError('unexpected_response', `SendGrid ${endpoint} answered ${status}: ${message}`, details);
  }
}
