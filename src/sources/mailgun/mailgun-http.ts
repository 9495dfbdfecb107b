import { cleanText } from '../../errors/message-text.js';
import { parseProviderJson } from '../shared/provider-json.js';
import type { SourceErrorKind } from '../source-types.js';
import type { RetryBudget } from '../shared/retry-budget.js';
import { AdaptivePace } from '../shared/adaptive-pace.js';
import {
  ProviderHttpClient,
  type ProviderErrorText,
  type ProviderHttpOptions,
  type ProviderRequest,
  type RateLimitVerdict,
} from '../shared/provider-http.js';
import { wireErrorBody } from './mailgun-wire.js';

const USER_AGENT = 'migrate-service/0.1 (+mailgun-connector)';
/** Mailgun publishes no read rate and sends no rate headers: start here, halve on a 429, grow back slowly. */
export const MAILGUN_START_RATE = 20;

export interface MailgunHttpOptions extends ProviderHttpOptions {
  apiKey: string;
}

/**
 * Talks to one Mailgun region: Basic `api:<key>`, `{"message": …}` errors, and 429s that say
 * nothing of when to come back, so the pace adapts: halved on a 429 (after a pause), raised by
 * one per 50 answered requests up to where it started.
 */
export class MailgunHttp extends ProviderHttpClient {
  private readonly pace = new AdaptivePace(MAILGUN_START_RATE);

  constructor(options: MailgunHttpOptions) {
    super(
      {
        name: 'Mailgun',
        userAgent: USER_AGENT,
        timeoutMs: 60_000,
        auth: { authorization: `Basic ${Buffer.from(`api:${options.apiKey}`).toString('base64')}` },
      },
      options,
    );
  }

  /** A page link Mailgun handed us (`paging.next`): absolute, kept on this region's host. */
  getUrl(url: string): Promise<unknown> {
    const u = new URL(url, this.baseUrl);
    return this.request('GET', u.pathname, Object.fromEntries(u.searchParams));
  }

  get rate(): number {
    return this.pace.rate;
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
    return { message: cleanText(wireErrorBody.parse(body)?.message) };
  }

  /** A 403 is a key that is valid but may not read: a Domain Sending Key. */
  protected override errorKind(status: number, code: string | undefined): SourceErrorKind {
    return status === 403 ? 'restricted_credential' : super.errorKind(status, code);
  }

  protected override ownMessage(kind: SourceErrorKind): string | undefined {
    if (kind === 'restricted_credential') {
      return 'Mailgun accepted the key but it may not read the account: it is a Domain Sending Key, which can only send mail. Use the account’s private API key (Mailgun → API Security)';
    }
    return undefined;
  }
}
