import { createRandom, type Random } from '../resend/random.js';
import { caseVariant, makePerson } from '../resend/generator-people.js';
import type {
  MailgunAccount,
  MailgunDomainData,
  MailgunDomainRecord,
  MailgunListRecord,
  MailgunMemberRecord,
  MailgunRegion,
  MailgunTemplateRecord,
} from './model.js';

import { plausibleEmail } from './truth.js';

export { mailgunTruth, type MailgunTruth } from './truth.js';

export interface MailgunGenerateOptions {
  seed?: number;
  region?: MailgunRegion;
  domains?: number;
  lists?: number;
  /** People; each is on one to three lists. */
  contacts?: number;
  /** Per domain. */
  templates?: number;
  /** Per domain and kind (bounces, unsubscribes, complaints). */
  suppressions?: number;
}

const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);

/** Mailgun's dates: RFC 2822, sometimes `GMT`, sometimes `+0000`, as its endpoints differ. */
export function rfc2822(ms: number, rng: Random): string {
  const text = new Date(ms).toUTCString();
  return rng.chance(0.5) ? text : text.replace('GMT', '+0000');
}

/** Member vars: what other providers call custom fields, with no schema. */
const VARS: { key: string; value: (rng: Random) => unknown }[] = [
  { key: 'plan', value: (rng) => rng.pick(['free', 'pro', 'team']) },
  { key: 'age', value: (rng) => rng.int(18, 90) },
  { key: 'vip', value: (rng) => rng.chance(0.2) },
  { key: 'signup_date', value: (rng) => new Date(EPOCH + rng.int(0, 300) * DAY).toISOString() },
];

const TEMPLATE_BODIES = [
  { name: 'welcome', subject: 'Welcome, {{first_name}}!', html: '<h1>Hi {{first_name}},</h1><p>Thanks for joining {{product}}.</p>' },
  { name: 'receipt', subject: 'Your order {{order_id}}', html: '<p>Hello {{first_name}}</p><ul>{{#each items}}<li>{{name}}</li>{{/each}}</ul>' },
  { name: 'reset-password', subject: 'Reset your password', html: '<p><a href="{{reset_url}}">Reset</a> within {{minutes}} minutes.</p>' },
  { name: 'newsletter', subject: '{{month}} news', html: '<p>Hi {{first_name}}</p>{{#if promo}}<p>{{promo}}</p>{{/if}}' },
];

function domain(rng: Random, i: number, region: MailgunRegion): MailgunDomainRecord {
  const name = i === 0 ? `mg${i}.acme-${rng.hex(4)}.com` : `news${i}.acme-${rng.hex(4)}.io`;
  const state = i === 0 ? 'active' : rng.pick(['active', 'unverified'] as const);
  const valid = state === 'active' ? 'valid' : 'unknown';
  return {
    id: rng.hex(24),
    name,
    state,
    type: 'custom',
    created_at: rfc2822(EPOCH - rng.int(30, 900) * DAY, rng),
    is_disabled: false,
    require_tls: false,
    skip_verification: false,
    smtp_login: `postmaster@${name}`,
    spam_action: 'disabled',
    use_automatic_sender_security: true,
    web_prefix: 'email',
    web_scheme: 'https',
    wildcard: false,
    encrypt_incoming_message: false,
    message_ttl: 259200,
    sending_dns_records: [
      { record_type: 'TXT', name, value: 'v=spf1 include:mailgun.org ~all', valid, is_active: true, cached: [] },
      { record_type: 'TXT', name: `pdk1._domainkey.${name}`, value: `k=rsa; p=MIGf${rng.hex(40)}`, valid, is_active: true, cached: [] },
      { record_type: 'CNAME', name: `email.${name}`, value: region === 'eu' ? 'eu.mailgun.org' : 'mailgun.org', valid, is_active: true, cached: [] },
    ],
    receiving_dns_records: [
      { record_type: 'MX', name, value: region === 'eu' ? 'mxa.eu.mailgun.org' : 'mxa.mailgun.org', priority: '10', valid, is_active: true, cached: [] },
    ],
  };
}

function template(rng: Random, body: (typeof TEMPLATE_BODIES)[number], n: number): MailgunTemplateRecord {
  const created = EPOCH + rng.int(0, 200) * DAY;
  const active = {
    tag: 'initial',
    template: body.html,
    engine: 'handlebars' as const,
    mjml: '',
    createdAt: rfc2822(created, rng),
    comment: 'first version',
    active: true,
    id: rng.uuid(),
    headers: { Subject: body.subject, From: 'Acme <hello@acme.example>' },
  };
  // Some have a newer draft that is not the active one: the active version is what is imported.
  const versions = rng.chance(0.4)
    ? [active, { ...active, tag: 'v2-draft', template: `${body.html}<p>draft</p>`, active: false, id: rng.uuid(), comment: 'draft', createdAt: rfc2822(created + DAY, rng) }]
    : [active];
  return { name: n ? `${body.name}-${n}` : body.name, description: `The ${body.name} email`, createdAt: active.createdAt, createdBy: 'owner@acme.example', id: rng.uuid(), versions };
}

export function generateMailgunAccount(options: MailgunGenerateOptions = {}): MailgunAccount {
  const { seed = 1, region = 'us', domains: domainCount = 2, lists: listCount = 3, contacts = 200, templates = 3, suppressions = 10 } = options;
  const rng = createRandom(seed);
  const domains = Array.from({ length: domainCount }, (_, i) => domain(rng, i, region));
  const lists: MailgunListRecord[] = Array.from({ length: listCount }, (_, i) => ({
    address: `${['newsletter', 'customers', 'beta', 'events', 'vip'][i % 5]}${i >= 5 ? i : ''}@${domains[0]!.name}`,
    name: ['Newsletter', 'Customers', 'Beta testers', 'Events', 'VIP'][i % 5]! + (i >= 5 ? ` ${i}` : ''),
    description: rng.chance(0.5) ? 'Imported from the old site' : '',
    access_level: rng.pick(['readonly', 'members', 'everyone'] as const),
    reply_preference: 'list',
    created_at: rfc2822(EPOCH - rng.int(1, 400) * DAY, rng),
  }));
  // Mailgun pages lists by address.
  lists.sort((a, b) => (a.address < b.address ? -1 : 1));
  const members: Record<string, MailgunMemberRecord[]> = Object.fromEntries(lists.map((l) => [l.address, []]));
  const people: string[] = [];
  for (let n = 0; n < contacts; n++) {
    const person = makePerson(rng, n, { invalidShare: 0.02, unicodeShare: 0.05, nullNameShare: 0.15 });
    people.push(person.email);
    const name = [person.first_name, person.last_name].filter(Boolean).join(' ');
    // The same vars on every list a person is on: Mailgun has no account-wide contact to say otherwise.
    const vars = Object.fromEntries(VARS.filter(() => rng.chance(0.6)).map((v) => [v.key, v.value(rng)]));
    for (const list of rng.sample(lists, rng.int(1, Math.min(3, lists.length)))) {
      // A member may be listed in another letter case on another list: still one person.
      const address = rng.chance(0.05) && !person.invalid ? caseVariant(person.email, rng) : person.email;
      members[list.address]!.push({ address, name, vars, subscribed: !rng.chance(0.1) });
    }
  }
  for (const list of lists) members[list.address]!.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

  const valid = people.filter(plausibleEmail);
  const byDomain: Record<string, MailgunDomainData> = {};
  for (const d of domains) {
    const at = (k: number) => rfc2822(EPOCH + k * 3_600_000, rng);
    const pick = () => rng.sample(valid, Math.min(suppressions, valid.length)).sort();
    byDomain[d.name] = {
      templates: Array.from({ length: templates }, (_, i) => template(rng, TEMPLATE_BODIES[i % TEMPLATE_BODIES.length]!, Math.floor(i / TEMPLATE_BODIES.length))).sort((a, b) => (a.name < b.name ? -1 : 1)),
      bounces: pick().map((address, k) => ({ address, code: rng.pick(['550', '551', '553']), error: '5.1.1 The email account that you tried to reach does not exist', created_at: at(k) })),
      unsubscribes: pick().map((address, k) => ({ address, tags: rng.pick([['*'], ['newsletter'], ['promotions', 'newsletter'], ['*']]), created_at: at(k) })),
      complaints: pick().map((address, k) => ({ address, created_at: at(k) })),
      allowlist: [{ type: 'domain', value: 'partner.example', reason: 'our partner', createdAt: at(0) }],
    };
  }
  return {
    region,
    apiKeys: [
      { name: 'Private API key', token: `key-${rng.hex(32)}`, kind: 'private' },
      { name: 'Sending key', token: `${rng.hex(32)}-${rng.hex(8)}-${rng.hex(8)}`, kind: 'sending' },
    ],
    domains,
    lists,
    members,
    byDomain,
  };
}
