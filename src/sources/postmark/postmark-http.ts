import { cleanText } from '../../errors/message-text.js';
import { parseProviderJson } from '../shared/provider-json.js';
import type { SourceErrorKind } from '../source-types.js';
import type { RetryBudget } from '../shared/retry-budget.js';
import { AdaptivePace } from '../shared/adaptive-pace.js';
import { ProviderHttpClient, type ProviderErrorText, type ProviderHttpOptions, type ProviderRequest, type RateLimitVerdict } from '../shared/provider-http.js';
import { wireErrorBody } from './postmark-wire.js';

/** Postmark documents no rate and sends no rate headers: start here, halve on a 429. */
export const POSTMARK_START_RATE = 20;
/** `ErrorCode` 10: a bad or missing token (Postmark answers it 401, or 422 on some endpoints). */
const BAD_TOKEN = 10;

export interface PostmarkHttpOptions extends ProviderHttpOptions {
  /** An account token opens account endpoints, a server token that server's. */
  token: { kind: 'account' | 'server'; value: string };
}

/** Talks to Postmark with one token: `{ErrorCode, Message}` errors, 429s paced adaptively. */
export class PostmarkHttp extends ProviderHttpClient {
  private readonly pace: AdaptivePace;

  constructor(options: PostmarkHttpOptions, pace = new AdaptivePace(POSTMARK_START_RATE)) {
    const header = options.token.kind === 'account' ? 'x-postmark-account-token' : 'x-postmark-server-token';
    super({ name: 'Postmark', userAgent: 'migrate-service/0.1 (+postmark-connector)', timeoutMs: 60_000, auth: { [header]: options.token.value } }, options);
    this.pace = pace;
  }

  /** The same pace for another token of this account: one account, one allowance. */
  withToken(token: PostmarkHttpOptions['token']): PostmarkHttp {
    return new PostmarkHttp({ ...this.options, token }, this.pace);
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

  protected override parseBody(text: string): unknown {
    return text.trim() ? parseProviderJson(text) : null;
  }

  protected readError(body: unknown): ProviderErrorText {
    const e = wireErrorBody.parse(body);
    return { code: e?.ErrorCode === undefined ? undefined : String(e.ErrorCode), message: cleanText(e?.Message) };
  }

  protected override errorKind(status: number, code: string | undefined): SourceErrorKind {
    if (code === String(BAD_TOKEN)) return 'invalid_credential';
    if (status === 422 && code === '1101') return 'not_found';
    return super.errorKind(status, code);
  }
}
