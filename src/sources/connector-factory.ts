import type { Env } from '../config/env.js';
import type { KnownSource } from '../modules/source-catalog/source-catalog.js';
import type { SourceConnector } from './source-types.js';
import { ResendConnector } from './resend/resend-connector.js';
import { SendGridConnector } from './sendgrid/sendgrid-connector.js';
import { MailgunConnector } from './mailgun/mailgun-connector.js';
import { PostmarkConnector } from './postmark/postmark-connector.js';

/** The connector for a source, pointed at its `<SOURCE>_BASE_URL` (Mailgun: and its EU one). */
export function createConnector(
  source: KnownSource,
  credential: string,
  env: Pick<Env, 'RESEND_BASE_URL' | 'SENDGRID_BASE_URL' | 'SENDGRID_CDN_URL' | 'MAILGUN_BASE_URL' | 'MAILGUN_EU_BASE_URL' | 'POSTMARK_BASE_URL' | 'PROVIDER_RETRY_SECONDS'>,
  signal?: AbortSignal,
): SourceConnector {
  const retryBudgetMs = env.PROVIDER_RETRY_SECONDS * 1000;
  switch (source) {
    case 'resend':
      return new ResendConnector({ baseUrl: env.RESEND_BASE_URL, apiKey: credential, signal, retryBudgetMs });
    case 'sendgrid':
      return new SendGridConnector({ baseUrl: env.SENDGRID_BASE_URL, cdnUrl: env.SENDGRID_CDN_URL, apiKey: credential, signal, retryBudgetMs });
    case 'mailgun':
      return new MailgunConnector({ baseUrl: env.MAILGUN_BASE_URL, euBaseUrl: env.MAILGUN_EU_BASE_URL, apiKey: credential, signal, retryBudgetMs });
    case 'postmark':
      return new PostmarkConnector({ baseUrl: env.POSTMARK_BASE_URL, token: credential, signal, retryBudgetMs });
    default:
      throw new Error(`no connector for source ${source}`);
  }
}
