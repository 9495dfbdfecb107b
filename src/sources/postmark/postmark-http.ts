import { cleanText } from '../../errors/message-text.js';
import type { SourceErrorKind } from '../source-types.js';
import { AdaptivePace, AdaptivelyPacedHttp } from '../shared/adaptive-pace.js';
import type { ProviderErrorText, ProviderHttpOptions } from '../shared/provider-http.js';
import { wireErrorBody } from './postmark-wire.js';

/** Postmark documents no rate and sends no rate headers: start here, halve on a 429. */
export const POSTMARK_START_RATE = 20;
/** `ErrorCode` 10: a bad or missing token (Postmark answers it 401, or 422 on some endpoints). */
const BAD_TOKEN = '10';
/** `ErrorCode` 1101: no such template. */
const NO_SUCH_TEMPLATE = '1101';

export interface PostmarkHttpOptions extends ProviderHttpOptions {
  /** An account token opens account endpoints, a server token that server's. */
  token: { kind: 'account' | 'server'; value: string };
}

/** Talks to Postmark with one token: `{ErrorCode, Message}` errors, 429s paced adaptively. */
export class PostmarkHttp extends AdaptivelyPacedHttp {
  constructor(
    private readonly postmarkOptions: PostmarkHttpOptions,
    pace = new AdaptivePace(POSTMARK_START_RATE),
  ) {
    const header = postmarkOptions.token.kind === 'account' ? 'x-postmark-account-token' : 'x-postmark-server-token';
    super({ name: 'Postmark', userAgent: 'migrate-service/0.1 (+postmark-connector)', timeoutMs: 60_000, auth: { [header]: postmarkOptions.token.value } }, postmarkOptions, pace);
  }

  /** The same pace for another token of this account: one account, one allowance. */
  withToken(token: PostmarkHttpOptions['token']): PostmarkHttp {
    return new PostmarkHttp({ ...this.postmarkOptions, token }, this.pace);
  }

  protected readError(body: unknown): ProviderErrorText {
    const e = wireErrorBody.parse(body);
    return { code: e?.ErrorCode === undefined ? undefined : String(e.ErrorCode), message: cleanText(e?.Message) };
  }

  protected override errorKind(status: number, code: string | undefined): SourceErrorKind {
    if (code === BAD_TOKEN) return 'invalid_credential';
    if (status === 422 && code === NO_SUCH_TEMPLATE) return 'not_found';
    return super.errorKind(status, code);
  }
}
