/**
 * Deterministic SendGrid accounts for tests and benchmarks: the same options always give a
 * deep-equal account. People (names, unicode and invalid addresses) come from the Resend
 * generator so both emulators exercise the same address edge cases.
 */
import { caseVariant, makePerson } from '../resend/generator-people.js';
import { createRandom, type Random } from '../resend/random.js';
import {
  BLOCK_REASONS, BOUNCE_REASONS, INVALID_REASONS, fieldValue, makeApiKeys, makeCustomFields, makeTemplate,
} from './generator-content.js';
import {
  type SendGridAccount, type SendGridContactRecord, type SendGridGroupRecord, type SendGridListRecord,
  type SendGridSuppressions,
} from './model.js';

export { sendgridTruth, type SendGridTruth } from './truth.js';

export interface SendGridGenerateOptions {
  seed?: number;
  contacts?: number;
  lists?: number;
  /** Custom fields of EACH type (Text, Number, Date). */
  customFields?: number;
  /** Dynamic templates. */
  templates?: number;
  legacyTemplates?: number;
  /** ASM unsubscribe groups. */
  groups?: number;
  /** Records per suppression kind (bounces, blocks, …), about half on existing contacts. */
  suppressions?: number;
  /** Share of contacts on the global unsubscribe list (on top of `suppressions`). */
  unsubscribedShare?: number;
  /** Share of contacts in more than one list. */
  duplicateShare?: number;
  invalidShare?: number;
  unicodeShare?: number;
}

export const DEFAULT_SENDGRID_OPTIONS: Required<SendGridGenerateOptions> = {
  seed: 1, contacts: 200, lists: 4, customFields: 2, templates: 5, legacyTemplates: 2, groups: 3, suppressions: 10,
  unsubscribedShare: 0.1, duplicateShare: 0.2, invalidShare: 0.02, unicodeShare: 0.1,
};

const ACCOUNT_START = Date.UTC(2021, 2, 1);
const DAY = 86_400_000;

/** Strictly increasing milliseconds, ~`meanStepMs` apart. */
function clockFrom(rng: Random, startMs: number, meanStepMs: number): () => number {
  let t = startMs;
  return () => (t += rng.int(1000, meanStepMs * 2));
}

export function generateSendGridAccount(options: SendGridGenerateOptions = {}): SendGridAccount {
  const o = { ...DEFAULT_SENDGRID_OPTIONS, ...options };
  const rng = createRandom(o.seed);
  const account: SendGridAccount = {
    apiKeys: makeApiKeys(rng), customFields: makeCustomFields(rng, o.customFields), contacts: [], lists: [],
    templates: [], images: [], groups: [], suppressions: { unsubscribes: [], bounces: [], blocks: [], spam_reports: [], invalid_emails: [] },
  };
  for (let i = 0; i < o.lists; i++) {
    account.lists.push({ id: rng.uuid(), name: `${rng.pick(['Newsletter', 'Customers', 'Leads', 'Webinar', 'VIP', 'Beta'])} ${i + 1}`, contact_ids: [] });
  }
  account.contacts = makeContacts(rng, o, account);
  const userHash = rng.hex(32);
  const templateAt = clockFrom(rng, ACCOUNT_START + 30 * DAY, 5 * DAY);
  for (let i = 0; i < o.templates; i++) account.templates.push(makeTemplate(rng, i, 'dynamic', templateAt(), account.images, userHash));
  for (let i = 0; i < o.legacyTemplates; i++) account.templates.push(makeTemplate(rng, i, 'legacy', templateAt(), account.images, userHash));
  account.groups = makeGroups(rng, o, account.contacts);
  account.suppressions = makeSuppressions(rng, o, account.contacts);
  return account;
}

function makeContacts(rng: Random, o: Required<SendGridGenerateOptions>, account: SendGridAccount): SendGridContactRecord[] {
  const at = clockFrom(rng, ACCOUNT_START + DAY, 600_000);
  const contacts: SendGridContactRecord[] = [];
  for (let i = 0; i < o.contacts; i++) {
    const person = makePerson(rng, i, { invalidShare: o.invalidShare, unicodeShare: o.unicodeShare, nullNameShare: 0.15 });
    const unicode = /[^\x00-\x7f]/.test(`${person.first_name}${person.last_name}`);
    const lists: SendGridListRecord[] = account.lists.length > 1 && rng.chance(o.duplicateShare)
      ? rng.sample(account.lists, rng.int(2, Math.min(3, account.lists.length)))
      : account.lists.length > 0 && rng.chance(0.85) ? [rng.pick(account.lists)] : [];
    const custom_fields: Record<string, string | number> = {};
    for (const f of account.customFields) if (rng.chance(0.5)) custom_fields[f.id] = fieldValue(rng, f, unicode);
    const created = at();
    const contact: SendGridContactRecord = {
      id: rng.uuid(), email: person.email.toLowerCase(), // SendGrid stores emails lower-cased
      alternate_emails: rng.chance(0.05) ? [`alt${i}@example.org`] : [],
      list_ids: lists.map((l) => l.id), custom_fields,
      created_at: new Date(created).toISOString(), updated_at: new Date(created + rng.int(0, 90) * DAY).toISOString(),
    };
    if (person.first_name !== null) contact.first_name = person.first_name;
    if (person.last_name !== null) contact.last_name = person.last_name;
    if (rng.chance(0.4)) {
      contact.city = rng.pick(['Berlin', 'São Paulo', 'Zürich', 'Denver', 'Kraków']);
      contact.country = rng.pick(['DE', 'BR', 'CH', 'US', 'PL']);
      contact.postal_code = String(rng.int(10000, 99999));
    }
    if (rng.chance(0.1)) contact.phone_number = `+1555${rng.int(1_000_000, 9_999_999)}`;
    for (const l of lists) l.contact_ids.push(contact.id);
    contacts.push(contact);
  }
  return contacts;
}

const validContacts = (contacts: SendGridContactRecord[]) => contacts.filter((c) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.email));

/** Group unsubscribes: contacts (some spelled in another case) plus one address nobody holds. */
function makeGroups(rng: Random, o: Required<SendGridGenerateOptions>, contacts: SendGridContactRecord[]): SendGridGroupRecord[] {
  const at = clockFrom(rng, Math.floor((ACCOUNT_START + 60 * DAY) / 1000), 3_600);
  const groups: SendGridGroupRecord[] = [];
  for (let i = 0; i < o.groups; i++) {
    const members = rng.sample(validContacts(contacts), Math.ceil((contacts.length * o.unsubscribedShare) / 2));
    const emails = [...members.map((c) => (rng.chance(0.2) ? caseVariant(c.email, rng) : c.email)), `left.group${i}@example.net`];
    groups.push({
      id: 10_000 + i * rng.int(1, 97), name: `${rng.pick(['Newsletter', 'Product updates', 'Promotions', 'Events'])} ${i + 1}`.slice(0, 30),
      description: 'Emails about this topic', is_default: i === 0,
      suppressions: emails.map((email) => ({ email, created_at: at() })),
    });
  }
  return groups;
}

function makeSuppressions(rng: Random, o: Required<SendGridGenerateOptions>, contacts: SendGridContactRecord[]): SendGridSuppressions {
  const at = clockFrom(rng, Math.floor((ACCOUNT_START + 90 * DAY) / 1000), 7_200);
  const valid = validContacts(contacts);
  /** `count` addresses, about half of existing contacts (sometimes in another case), the rest unknown. */
  const emails = (kind: string, count: number) => Array.from({ length: count }, (_, i) => {
    const c = valid.length > 0 && rng.chance(0.5) ? rng.pick(valid) : undefined;
    if (!c) return `${kind}.${i}@${rng.pick(['example.net', 'old-company.com', 'gone.io'])}`;
    return rng.chance(0.2) ? caseVariant(c.email, rng) : c.email;
  });
  const unsubscribed = contacts.filter(() => rng.chance(o.unsubscribedShare)).map((c) => c.email);
  const unique = (list: string[]) => [...new Map(list.map((e) => [e.toLowerCase(), e])).values()];
  return {
    unsubscribes: unique([...unsubscribed, ...emails('unsub', o.suppressions)]).map((email) => ({ email, created: at() })),
    bounces: unique(emails('bounce', o.suppressions)).map((email) => {
      const [reason, status] = rng.pick(BOUNCE_REASONS);
      return { email, created: at(), reason, status };
    }),
    blocks: unique(emails('block', o.suppressions)).map((email) => {
      const [reason, status] = rng.pick(BLOCK_REASONS);
      return { email, created: at(), reason, status };
    }),
    spam_reports: unique(emails('spam', o.suppressions)).map((email) => ({ email, created: at(), ip: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}` })),
    invalid_emails: Array.from({ length: o.suppressions }, (_, i) => ({ email: `typo${i}@gmial.con`, created: at(), reason: rng.pick(INVALID_REASONS) })),
  };
}
