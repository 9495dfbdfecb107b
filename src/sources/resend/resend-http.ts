import { cleanText } from '../../errors/message-text.js';
import { RatePacer } from '../shared/rate-pacer.js';
import type { SourceErrorKind } from '../source-types.js';
import type { RetryBudget } from '../shared/retry-budget.js';
import {
  ProviderHttpClient,
  type ProviderErrorText,
  type ProviderHttpOptions,
  type ProviderRequest,
  type ProviderRequestStats,
  type RateLimitVerdict,
} from '../shared/provider-http.js';

/** Resend's documented default before a response tells us the team's real limit. */
export const RESEND_INITIAL_RATE_LIMIT = 2;
export const RESEND_REQUEST_TIMEOUT_MS = 30_000;
const USER_AGENT = 'migrate-service/0.1 (+resend-connector)';
const RESTRICTED_KEY_HELP =
  'This Resend API key can only send emails. Create a Full access key at https://resend.com/api-keys and try again.';

export interface ResendHttpOptions extends ProviderHttpOptions {
  apiKey: string;
  /** Shared by every client of one import so the team's limit is respected overall. */
  pacer?: RatePacer;
}

export type ResendRequestStats = ProviderRequestStats;

interface FlatError {
  statusCode?: number;
  name?: string;
  message?: string;
}

/**
 * GETs JSON from Resend: paced under the team's rate limit (read from `ratelimit-*` headers),
 * 429s retried after `retry-after`; errors are flat `{statusCode, name, message}` bodies.
 */
export class ResendHttp extends ProviderHttpClient {
  readonly pacer: RatePacer;

  constructor(options: ResendHttpOptions) {
    super(
      { name: 'Resend', userAgent: USER_AGENT, timeoutMs: RESEND_REQUEST_TIMEOUT_MS, auth: { authorization: `Bearer ${options.apiKey}` } },
      options,
    );
    this.pacer = options.pacer ?? new RatePacer(RESEND_INITIAL_RATE_LIMIT);
  }

  protected override async beforeAttempt(): Promise<boolean> {
    await this.pacer.acquire(this.options.signal);
    return true;
  }

  /** Adopts the team's limit and backs off when others' traffic used the window up. */
  protected override observe(_request: ProviderRequest, headers: Headers): void {
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

  protected rateLimited(_request: ProviderRequest, headers: Headers, budget: RetryBudget): RateLimitVerdict {
    const retryAfter = Number(headers.get('retry-after'));
    const waitMs = (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000;
    this.pacer.pauseFor(waitMs);
    return {
      problem: `rate limited (429${headers.has('retry-after') ? `, Retry-After ${retryAfter} s` : ''})`,
      retry: waitMs <= budget.remainingMs,
    };
  }

  protected readError(body: unknown): ProviderErrorText {
    const flat = body as FlatError | null;
    return { code: cleanText(flat?.name, 60) || 'unknown', message: flat?.message };
  }

  protected override errorKind(status: number, code: string | undefined): SourceErrorKind {
    return status === 401 && code === 'restricted_api_key' ? 'restricted_credential' : super.errorKind(status, code);
  }

  protected override ownMessage(kind: SourceErrorKind): string | undefined {
    return kind === 'restricted_credential' ? RESTRICTED_KEY_HELP : undefined;
  }
}
