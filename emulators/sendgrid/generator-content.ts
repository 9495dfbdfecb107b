/**
 * Non-contact content of generated SendGrid accounts: API keys, custom field definitions,
 * templates (with CDN images), unsubscribe groups and the five suppression lists.
 */
import type { Random } from '../resend/random.js';
import {
  READ_SCOPES, type FieldType, type SendGridApiKeyRecord, type SendGridCustomFieldRecord, type SendGridImageRecord,
  type SendGridTemplateRecord, type SendGridTemplateVersionRecord,
} from './model.js';

export const CDN_HOST = 'cdn.mcauto-images-production.sendgrid.net';
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `SG.` + 22 + `.` + 43 characters = 69, the documented key length. */
function token(rng: Random): string {
  const part = (n: number) => Array.from({ length: n }, () => KEY_CHARS[rng.int(0, KEY_CHARS.length - 1)]).join('');
  return `SG.${part(22)}.${part(43)}`;
}

/** A full read key, a marketing-only key (403 elsewhere) and a send-only key (403 everywhere). */
export function makeApiKeys(rng: Random): SendGridApiKeyRecord[] {
  const all = Object.values(READ_SCOPES).flat();
  return [
    { name: 'Migration (read all)', scopes: [...all, 'mail.send', 'marketing.write'] },
    { name: 'Marketing only', scopes: [...READ_SCOPES.marketing] },
    { name: 'Mail send', scopes: ['mail.send'] },
  ].map((k) => ({ id: rng.hex(22), token: token(rng), ...k }));
}

const FIELD_NAMES: Record<FieldType, string[]> = {
  Text: ['company_name', 'plan', 'favourite_colour', 'job_title', 'source', 'referrer'],
  Number: ['lifetime_value', 'age', 'logins', 'seats'],
  Date: ['signup_date', 'birthday', 'trial_end', 'last_purchase'],
};

/**
 * Custom fields in creation order, types interleaved. Ids follow that order with an
 * account-specific letter prefix, so two accounts never share ids (sendgrid.md §3).
 */
export function makeCustomFields(rng: Random, perType: number): SendGridCustomFieldRecord[] {
  const prefix = rng.pick(['e', 'w', 'a', 'd']);
  const out: SendGridCustomFieldRecord[] = [];
  for (let i = 0; i < perType; i++) {
    for (const type of ['Text', 'Number', 'Date'] as const) {
      const names = FIELD_NAMES[type];
      const name = `${names[i % names.length]}${i >= names.length ? `_${Math.floor(i / names.length) + 1}` : ''}`;
      out.push({ id: `${prefix}${out.length + 1}_${type[0]}`, name, field_type: type });
    }
  }
  return out;
}

export function fieldValue(rng: Random, field: SendGridCustomFieldRecord, unicode: boolean): string | number {
  if (field.field_type === 'Number') return rng.chance(0.3) ? rng.int(0, 10_000) / 100 : rng.int(0, 500);
  if (field.field_type === 'Date') return new Date(Date.UTC(rng.int(1970, 2025), rng.int(0, 11), rng.int(1, 28))).toISOString();
  return unicode ? rng.pick(['Société Générale', 'Müller & Söhne', '株式会社テスト', 'Ørsted A/S']) : rng.pick(['Acme Ltd', 'Globex', 'Initech', 'pro', 'free', 'newsletter']);
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, the templates API's format. */
export function templateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const SUBJECTS = ['Welcome, {{first_name}}!', 'Your {{plan}} receipt', 'Hi {{insert first_name "default=there"}}, news inside', 'Order {{order.id}} shipped'];
const BODIES = [
  '{{#if first_name}}Hi {{first_name}},{{else}}Hello,{{/if}} thanks for joining.',
  '{{#each items}}<li>{{this.name}}: {{this.price}}</li>{{/each}}',
  '{{#equals plan "pro"}}You are on Pro.{{else}}Upgrade today.{{/equals}} Sent {{formatDate sent_at "MMMM DD, YYYY"}}.',
  '{{#unless unsubscribed}}Stay tuned.{{/unless}} {{{raw_html_block}}}',
];

function image(rng: Random, images: SendGridImageRecord[], userHash: string): string {
  const path = `/${userHash}/${rng.uuid()}/${rng.pick(['600x200', '300x300', '1200x400'])}.png`;
  const url = `https://${CDN_HOST}${path}`;
  images.push({ url, path });
  return url;
}

/** A dynamic (`d-` + 32 hex, Handlebars, CDN images) or legacy (`<%body%>`) template, 1–3 versions, one active. */
export function makeTemplate(rng: Random, i: number, generation: 'dynamic' | 'legacy', atMs: number, images: SendGridImageRecord[], userHash: string): SendGridTemplateRecord {
  const id = generation === 'dynamic' ? `d-${rng.hex(32)}` : rng.uuid();
  const count = rng.int(1, 3);
  const activeIndex = rng.int(0, count - 1);
  const versions: SendGridTemplateVersionRecord[] = [];
  for (let v = 0; v < count; v++) {
    const dynamic = generation === 'dynamic';
    const body = dynamic ? rng.pick(BODIES) : '<%body%>';
    const img = dynamic && rng.chance(0.7) ? `<img src="${image(rng, images, userHash)}" alt="banner" width="600">` : '';
    versions.push({
      id: rng.uuid(), template_id: id, active: v === activeIndex ? 1 : 0, name: `Version ${v + 1}`,
      subject: dynamic ? rng.pick(SUBJECTS) : '<%subject%>',
      html_content: `<html><body>${img}<p>${body}</p><p><a href="{{{unsubscribe}}}">Unsubscribe</a></p></body></html>`,
      plain_content: dynamic ? body.replace(/<[^>]+>/g, '') : '<%body%>',
      generate_plain_content: rng.chance(0.5), editor: rng.chance(0.7) ? 'code' : 'design',
      ...(dynamic ? { test_data: JSON.stringify({ first_name: 'Anna', plan: 'pro', items: [{ name: 'Hat', price: 10 }] }) } : {}),
      thumbnail_url: `//us-east-2-production-thumbnail-bucket.s3.amazonaws.com/${rng.hex(64)}.png`,
      updated_at: templateTime(atMs + v * 3_600_000),
    });
  }
  const name = `${generation === 'dynamic' ? 'Dynamic' : 'Legacy'} ${rng.pick(['Welcome', 'Receipt', 'Newsletter', 'Password reset', 'Digest'])} ${i + 1}`;
  return { id, name, generation, updated_at: templateTime(atMs + count * 3_600_000), versions };
}

export const BOUNCE_REASONS: ReadonlyArray<[string, string]> = [
  ['550 5.1.1 The email account that you tried to reach does not exist.', '5.1.1'],
  ['552 5.2.2 Mailbox full', '5.2.2'],
  ['550 5.7.1 Message rejected due to local policy', '5.7.1'],
];
export const BLOCK_REASONS: ReadonlyArray<[string, string]> = [
  ['error dialing remote address: dial tcp 10.57.152.165:25: no route to host', '4.0.0'],
  ['554 5.7.1 Service unavailable; Client host blocked using Spamhaus', '5.7.1'],
];
export const INVALID_REASONS = ['Mail domain mentioned in email address is unknown', 'Known bad domain', 'Invalid address syntax'];
