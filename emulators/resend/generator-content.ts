/**
 * The non-contact parts of a generated account: API keys, domains with DNS records, contact
 * properties, topics and templates. Each maker takes the PRNG and a timestamp sequence, so the
 * output depends only on the seed.
 */
import type {
  ResendApiKeyRecord, ResendContactPropertyRecord, ResendDnsRecord, ResendDomainRecord,
  ResendTemplateRecord, ResendTemplateVariableRecord, ResendTopicRecord,
} from './model.js';
import type { Random } from './random.js';

export type NextTimestamp = () => string;

export function makeApiKeys(rng: Random, at: NextTimestamp): ResendApiKeyRecord[] {
  const full: ResendApiKeyRecord = { id: rng.uuid(), name: 'Production', token: `re_full_${rng.hex(24)}`, permission: 'full_access', created_at: at(), last_used_at: null };
  const send: ResendApiKeyRecord = { id: rng.uuid(), name: 'Sending only', token: `re_send_${rng.hex(24)}`, permission: 'sending_access', created_at: at(), last_used_at: null };
  full.last_used_at = at();
  return [full, send];
}

const DOMAIN_STATUSES: ResendDomainRecord['status'][] = ['verified', 'verified', 'pending', 'failed', 'not_started', 'partially_verified', 'partially_failed'];
const REGIONS: ResendDomainRecord['region'][] = ['us-east-1', 'eu-west-1', 'sa-east-1', 'ap-northeast-1'];

export function makeDomain(rng: Random, n: number, at: NextTimestamp): ResendDomainRecord {
  const status = n === 0 ? 'verified' : rng.pick(DOMAIN_STATUSES);
  const name = `${rng.pick(['mail', 'news', 'send', 'updates'])}.${rng.pick(['acme', 'globex', 'initech', 'umbrella'])}${n}.${rng.pick(['com', 'io', 'co.uk'])}`;
  const recordStatus = (): ResendDnsRecord['status'] =>
    status === 'verified' ? 'verified' : status === 'not_started' ? 'not_started' : status === 'failed' ? rng.pick(['failed', 'temporary_failure']) : rng.pick(['verified', 'pending', 'failed']);
  const region = rng.pick(REGIONS);
  const records: ResendDnsRecord[] = [
    { record: 'SPF', name: 'send', type: 'MX', ttl: 'Auto', status: recordStatus(), value: `feedback-smtp.${region}.amazonses.com`, priority: 10 },
    { record: 'SPF', name: 'send', type: 'TXT', ttl: 'Auto', status: recordStatus(), value: 'v=spf1 include:amazonses.com ~all' },
    { record: 'DKIM', name: 'resend._domainkey', type: 'TXT', ttl: 'Auto', status: recordStatus(), value: `p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ${rng.hex(40)}` },
  ];
  if (rng.chance(0.4)) records.push({ record: 'Receiving', name: '@', type: 'MX', ttl: 'Auto', status: recordStatus(), value: `inbound-smtp.${region}.amazonaws.com`, priority: 9 });
  const tracking = rng.chance(0.5);
  if (tracking) {
    records.push({ record: 'Tracking', name: 'links', type: 'CNAME', ttl: 'Auto', status: recordStatus(), value: 'links1.resend-dns.com' });
    records.push({ record: 'TrackingCAA', name: 'links', type: 'CAA', ttl: 'Auto', status: recordStatus(), value: '0 issue "amazon.com"' });
  }
  return { id: rng.uuid(), name, status, region, created_at: at(), open_tracking: tracking && rng.chance(0.7), click_tracking: tracking && rng.chance(0.7), records };
}

const PROPERTY_POOL: ReadonlyArray<Pick<ResendContactPropertyRecord, 'key' | 'type' | 'fallback_value'>> = [
  { key: 'company_name', type: 'string', fallback_value: 'Unknown' },
  { key: 'plan', type: 'string', fallback_value: null },
  { key: 'lifetime_value', type: 'number', fallback_value: 0 },
  { key: 'is_vip', type: 'boolean', fallback_value: false },
  { key: 'city', type: 'string', fallback_value: null },
  { key: 'signup_year', type: 'number', fallback_value: null },
  { key: 'beta_tester', type: 'boolean', fallback_value: null },
];

export function makeProperty(rng: Random, n: number, at: NextTimestamp): ResendContactPropertyRecord {
  const base = PROPERTY_POOL[n] ?? { key: `custom_field_${n}`, type: rng.pick(['string', 'number', 'boolean'] as const), fallback_value: null };
  return { id: rng.uuid(), ...base, created_at: at() };
}

/** A value of the property's type, as a contact would hold it. */
export function propertyValue(rng: Random, property: ResendContactPropertyRecord): string | number | boolean {
  if (property.type === 'number') return rng.chance(0.3) ? Math.round(rng.next() * 100000) / 100 : rng.int(0, 5000);
  if (property.type === 'boolean') return rng.chance(0.5);
  return rng.pick(['Acme Corp', 'Globex', 'Initech', 'Zürich AG', '株式会社テスト', 'pro', 'free', 'Lisbon']);
}

const TOPIC_NAMES = ['Product updates', 'Newsletter', 'Events', 'Promotions', 'Security alerts', 'Weekly digest'];

export function makeTopic(rng: Random, n: number, at: NextTimestamp): ResendTopicRecord {
  const name = TOPIC_NAMES[n] ?? `Topic ${n + 1}`;
  return {
    id: rng.uuid(), name, description: rng.chance(0.25) ? null : `${name} from our team`,
    default_subscription: n % 3 === 2 ? 'opt_out' : rng.pick(['opt_in', 'opt_out']),
    visibility: rng.chance(0.7) ? 'public' : 'private', created_at: at(),
  };
}

type TemplateShape = { name: string; subject: string; html: string; text: string | null; vars: Array<Pick<ResendTemplateVariableRecord, 'key' | 'type' | 'fallback_value'>> };

/** Plain triple-mustache templates, and ones with loops/conditionals over object/list variables. */
const TEMPLATE_SHAPES: readonly TemplateShape[] = [
  { name: 'Welcome', subject: 'Welcome, {{{FIRST_NAME|there}}}!', html: '<h1>Hi {{{FIRST_NAME|there}}},</h1><p>Thanks for joining {{{PRODUCT_NAME}}}.</p>', text: 'Hi {{{FIRST_NAME|there}}}, thanks for joining {{{PRODUCT_NAME}}}.', vars: [{ key: 'PRODUCT_NAME', type: 'string', fallback_value: 'our product' }] },
  { name: 'Password reset', subject: 'Reset your password', html: '<p>Click <a href="{{{RESET_URL}}}">here</a> within {{{EXPIRY_MINUTES|30}}} minutes.</p>', text: null, vars: [{ key: 'RESET_URL', type: 'string', fallback_value: null }, { key: 'EXPIRY_MINUTES', type: 'number', fallback_value: 30 }] },
  { name: 'Order receipt', subject: 'Your order {{{ORDER_ID}}}', html: '<p>Hello {{{FIRST_NAME}}}</p><ul>{{#each items}}<li>{{name}} × {{quantity}}</li>{{/each}}</ul>{{#if vip}}<p>VIP: free shipping</p>{{/if}}', text: '{{#each items}}{{name}} x {{quantity}}\n{{/each}}', vars: [{ key: 'ORDER_ID', type: 'string', fallback_value: null }, { key: 'items', type: 'list', fallback_value: null }, { key: 'vip', type: 'boolean', fallback_value: false }] },
  { name: 'Monthly newsletter', subject: '{{{MONTH}}} news — {{{DISCOUNT|10}}}% off', html: '<p>Ciao {{{FIRST_NAME|amico}}} 👋</p>{{#if promo}}<p>{{promo.code}}</p>{{/if}}<a href="{{{UNSUBSCRIBE_URL}}}">Unsubscribe</a>', text: null, vars: [{ key: 'MONTH', type: 'string', fallback_value: 'This month' }, { key: 'DISCOUNT', type: 'number', fallback_value: 10 }, { key: 'promo', type: 'object', fallback_value: null }] },
  { name: 'Event invite', subject: 'You are invited: {{{EVENT_NAME}}}', html: '<p>{{{EVENT_NAME}}} on {{{EVENT_DATE}}}</p>{{#each speakers}}<p>{{this}}</p>{{/each}}', text: 'Join us at {{{EVENT_NAME}}}', vars: [{ key: 'EVENT_NAME', type: 'string', fallback_value: 'our event' }, { key: 'EVENT_DATE', type: 'string', fallback_value: null }, { key: 'speakers', type: 'list', fallback_value: null }] },
];

export function makeTemplate(rng: Random, n: number, at: NextTimestamp, sendingDomain: string): ResendTemplateRecord {
  const shape = TEMPLATE_SHAPES[n % TEMPLATE_SHAPES.length] as TemplateShape;
  const round = Math.floor(n / TEMPLATE_SHAPES.length);
  const name = round === 0 ? shape.name : `${shape.name} v${round + 1}`;
  const created_at = at();
  const published = rng.chance(0.65);
  const variables = shape.vars.map((v) => ({ id: rng.uuid(), ...v, created_at, updated_at: created_at }));
  const updated_at = rng.chance(0.5) ? at() : created_at;
  return {
    id: rng.uuid(), current_version_id: rng.uuid(), name,
    alias: rng.chance(0.7) ? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${n}` : null,
    status: published ? 'published' : 'draft',
    published_at: published ? updated_at : null,
    from: rng.chance(0.8) ? `Acme <hello@${sendingDomain}>` : null,
    subject: shape.subject,
    reply_to: rng.chance(0.3) ? [`support@${sendingDomain}`] : null,
    html: shape.html, text: shape.text, variables,
    has_unpublished_versions: published && rng.chance(0.35),
    created_at, updated_at,
  };
}
