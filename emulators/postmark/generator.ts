import { createRandom, type Random } from '../resend/random.js';
import { makePerson } from '../resend/generator-people.js';
import type { PostmarkAccount, PostmarkServerRecord, PostmarkStreamRecord, PostmarkSuppressionRecord, PostmarkTemplateRecord } from './model.js';
import { plausibleEmail } from '../mailgun/truth.js';

export { postmarkTruth, type PostmarkTruth } from './truth.js';

export interface PostmarkGenerateOptions {
  seed?: number;
  servers?: number;
  /** Standard templates per server (each server also has one layout). */
  templates?: number;
  /** Per stream. */
  suppressions?: number;
}

const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);
/** Postmark's dates: ISO 8601 with an offset (`2019-12-17T08:58:33-05:00`). */
const iso = (ms: number) => new Date(ms - 5 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '-05:00');

const BODIES = [
  { name: 'Welcome', subject: 'Welcome, {{name}}!', html: '<p>Hi {{name}}, welcome to {{product_name}}.</p>' },
  { name: 'Receipt', subject: 'Receipt {{receipt_id}}', html: '<p>Thanks {{name}}</p><ul>{{#each items}}<li>{{description}}</li>{{/each}}</ul>' },
  { name: 'Password reset', subject: 'Reset your password', html: '<p>{{#action_url}}<a href="{{action_url}}">Reset</a>{{/action_url}}{{^action_url}}Contact support{{/action_url}}</p>' },
];

function server(rng: Random, id: number, templates: number, suppressions: number, people: string[]): PostmarkServerRecord {
  const name = id === 1 ? 'Production' : `Server ${id}`;
  const created = iso(EPOCH - rng.int(10, 500) * DAY);
  const stream = (ID: string, Name: string, MessageStreamType: PostmarkStreamRecord['MessageStreamType']): PostmarkStreamRecord =>
    ({ ID, ServerID: id, Name, Description: null, MessageStreamType, CreatedAt: created, UpdatedAt: null, ArchivedAt: null });
  const streams = [stream('outbound', 'Default Transactional Stream', 'Transactional'), stream('broadcast', 'Default Broadcast Stream', 'Broadcasts'), stream('inbound', 'Default Inbound Stream', 'Inbound')];
  if (rng.chance(0.5)) streams.push(stream('newsletter', 'Newsletter', 'Broadcasts'));
  const layoutAlias = `layout-${id}`;
  const list: PostmarkTemplateRecord[] = [
    { TemplateId: id * 1000, Name: 'Basic layout', Alias: layoutAlias, Subject: '', HtmlBody: '<html><body>{{{@content}}}</body></html>', TextBody: '{{{@content}}}', Active: true, AssociatedServerId: id, TemplateType: 'Layout', LayoutTemplate: null },
  ];
  for (let i = 0; i < templates; i++) {
    const b = BODIES[i % BODIES.length]!;
    list.push({
      TemplateId: id * 1000 + i + 1,
      Name: i < BODIES.length ? b.name : `${b.name} ${i}`,
      Alias: rng.chance(0.7) ? `${b.name.toLowerCase().replace(/ /g, '-')}-${i}` : null,
      Subject: b.subject,
      HtmlBody: b.html,
      TextBody: rng.chance(0.5) ? b.html.replace(/<[^>]+>/g, '') : null,
      Active: true,
      AssociatedServerId: id,
      TemplateType: 'Standard',
      LayoutTemplate: rng.chance(0.5) ? layoutAlias : null,
    });
  }
  const suppressionsByStream: Record<string, PostmarkSuppressionRecord[]> = {};
  for (const s of streams.filter((x) => x.MessageStreamType !== 'Inbound')) {
    suppressionsByStream[s.ID] = rng.sample(people, Math.min(suppressions, people.length)).sort().map((EmailAddress, k) => {
      const SuppressionReason = rng.pick(['HardBounce', 'SpamComplaint', 'ManualSuppression'] as const);
      const Origin = SuppressionReason === 'ManualSuppression' ? rng.pick(['Recipient', 'Customer'] as const) : 'Recipient';
      return { EmailAddress, SuppressionReason, Origin, CreatedAt: iso(EPOCH + k * 3_600_000) };
    });
  }
  return { ID: id, Name: name, ApiTokens: [rng.uuid()], Color: 'blue', ServerLink: `https://account.postmarkapp.com/servers/${id}/streams`, streams, templates: list, suppressions: suppressionsByStream };
}

export function generatePostmarkAccount(options: PostmarkGenerateOptions = {}): PostmarkAccount {
  const { seed = 1, servers = 2, templates = 3, suppressions = 8 } = options;
  const rng = createRandom(seed);
  const people = Array.from({ length: 120 }, (_, n) => makePerson(rng, n, { invalidShare: 0, unicodeShare: 0.05, nullNameShare: 0 }).email).filter(plausibleEmail);
  const domainName = `acme-${rng.hex(4)}.com`;
  return {
    accountToken: rng.uuid(),
    servers: Array.from({ length: servers }, (_, i) => server(rng, i + 1, templates, suppressions, people)),
    domains: [
      { ID: 1, Name: domainName, SPFVerified: true, DKIMVerified: true, WeakDKIM: false, ReturnPathDomainVerified: true, DKIMHost: `${rng.hex(8)}pm._domainkey.${domainName}`, DKIMTextValue: `k=rsa;p=MIGf${rng.hex(40)}`, ReturnPathDomain: `pm-bounces.${domainName}`, ReturnPathDomainCNAMEValue: 'pm.mtasv.net' },
      { ID: 2, Name: `news.${domainName}`, SPFVerified: true, DKIMVerified: false, WeakDKIM: false, ReturnPathDomainVerified: false, DKIMHost: '', DKIMTextValue: '', ReturnPathDomain: '', ReturnPathDomainCNAMEValue: 'pm.mtasv.net' },
    ],
    senders: [
      { ID: 11, Domain: domainName, EmailAddress: `hello@${domainName}`, ReplyToEmailAddress: '', Name: 'Acme', Confirmed: true },
      { ID: 12, Domain: `help.${domainName}`, EmailAddress: `support@help.${domainName}`, ReplyToEmailAddress: '', Name: 'Support', Confirmed: true },
    ],
  };
}
