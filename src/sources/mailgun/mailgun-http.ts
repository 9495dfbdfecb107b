import { cleanText } from '../../errors/message-text.js';
import type { SourceErrorKind } from '../source-types.js';
import { AdaptivePace, AdaptivelyPacedHttp } from '../shared/adaptive-pace.js';
import type { ProviderErrorText, ProviderHttpOptions } from '../shared/provider-http.js';
import { wireErrorBody } from './mailgun-wire.js';

const USER_AGENT = 'migrate-service/0.1 (+mailgun-connector)';
/** Mailgun publishes no read rate and sends no rate headers: start here, halve on a 429, grow back slowly. */
export const MAILGUN_START_RATE = 20;

export interface MailgunHttpOptions extends ProviderHttpOptions {
  apiKey: string;
}

/**
 * Talks to one Mailgun region: Basic `api:<key>`, `{"message": …}` errors, and 429s that say
 * nothing of when to come back, so the pace adapts (AdaptivePace).
 */
export class MailgunHttp extends AdaptivelyPacedHttp {
  constructor(options: MailgunHttpOptions) {
    super(
      {
        name: 'Mailgun',
        userAgent: USER_AGENT,
        timeoutMs: 60_000,
        auth: { authorization: `Basic ${Buffer.from(`api:${options.apiKey}`).toString('base64')}` },
      },
      options,
      new AdaptivePace(MAILGUN_START_RATE),
    );
  }

  /** A page link Mailgun handed us (`paging.next`): absolute, kept on this region's host. */
  getUrl(url: string): Promise<unknown> {
    const u = new URL(url, this.baseUrl);
    return this.request('GET', u.pathname, Object.fromEntries(u.searchParams));
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
