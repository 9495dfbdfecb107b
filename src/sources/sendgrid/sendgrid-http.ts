import { setTimeout as sleep } from 'node:timers/promises';
import { cleanText } from '../../errors/message-text.js';
import { parseProviderJson } from '../shared/provider-json.js';
import type { SourceErrorKind } from '../source-types.js';
import { wireErrorBody } from './sendgrid-wire.js';
import type { RetryBudget } from '../shared/retry-budget.js';
import {
  ProviderHttpClient,
  type ProviderErrorText,
  type ProviderHttpOptions,
  type ProviderRequest,
  type RateLimitVerdict,
} from '../shared/provider-http.js';

export const SENDGRID_REQUEST_TIMEOUT_MS = 60_000;
const USER_AGENT = 'migrate-service/0.1 (+sendgrid-connector)';

export interface SendGridHttpOptions extends ProviderHttpOptions {
  apiKey: string;
}

/** SendGrid limits per endpoint: method and path template (`GET /v3/templates/{id}`). */
function bucketOf(request: ProviderRequest): string {
  return `${request.method} ${request.path.replace(/\/[^/]*\d[^/]*(?=\/|$)/g, '/{id}')}`;
}

/**
 * Talks to SendGrid v3: Bearer auth, per-endpoint rate limits read from `X-RateLimit-*` (reset
 * is an epoch second; there is no Retry-After, so we wait until the reset), and
 * `{errors: [{message, field}]}` error bodies.
 */
export class SendGridHttp extends ProviderHttpClient {
  /** Per endpoint bucket: when its window allows requests again. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(options: SendGridHttpOptions) {
    super(
      { name: 'SendGrid', userAgent: USER_AGENT, timeoutMs: SENDGRID_REQUEST_TIMEOUT_MS, auth: { authorization: `Bearer ${options.apiKey}` } },
      options,
    );
  }

  /** Typed unknown: what SendGrid answered is what a wire schema makes of it. */
  post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, {}, body);
  }

  /** A request to an absolute URL SendGrid handed us (e.g. `_metadata.next`). */
  getUrl(url: string): Promise<unknown> {
    const u = new URL(url, this.baseUrl);
    return this.request('GET', u.pathname, Object.fromEntries(u.searchParams));
  }

  /** Holds the request until its bucket's reset; gives up on a retry when the reset is past the budget. */
  protected override async beforeAttempt(request: ProviderRequest, budget: RetryBudget): Promise<boolean> {
    const wait = (this.blockedUntil.get(bucketOf(request)) ?? 0) - Date.now();
    if (wait > budget.remainingMs && budget.attempts > 1) return false;
    if (wait > 0) await sleep(wait, undefined, { signal: this.options.signal });
    return true;
  }

  /** When the window is spent, hold this endpoint until SendGrid's reset instead of earning a 429. */
  protected override observe(request: ProviderRequest, headers: Headers): void {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (headers.has('x-ratelimit-remaining') && remaining <= 0 && Number.isFinite(reset)) {
      this.blockedUntil.set(bucketOf(request), reset * 1000);
    }
  }

  protected rateLimited(request: ProviderRequest, headers: Headers): RateLimitVerdict {
    const reset = Number(headers.get('x-ratelimit-reset'));
    const until = Number.isFinite(reset) && reset > 0 ? reset * 1000 : Date.now() + 1000;
    this.blockedUntil.set(bucketOf(request), Math.max(until, Date.now() + 50));
    // beforeAttempt gives up if the reset is past the budget.
    return { problem: 'rate limited (429)', retry: true };
  }

  /** Some answers (a 204, an error) have no body at all. */
  protected override parseBody(text: string): unknown {
    return text.trim() ? parseProviderJson(text) : null;
  }

  protected readError(body: unknown): ProviderErrorText {
    const errors = wireErrorBody.parse(body)?.errors ?? [];
    const messages = errors.map((e) => cleanText(e?.message)).filter(Boolean);
    return { message: messages.join('; ') };
  }

  protected override errorKind(status: number, code: string | undefined): SourceErrorKind {
    return status === 403 ? 'forbidden' : super.errorKind(status, code);
  }

  /** SendGrid's messages name fetch's own words and no detail of a cut read, as they always did. */
  protected override transportProblem(failure: 'network' | 'cut', err: Error): string {
    return failure === 'network' ? `network error: ${err.message}` : 'connection cut while reading the response';
  }
}
