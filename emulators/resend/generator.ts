/**
 * Deterministic Resend accounts for tests and benchmarks: the same options always give a
 * deep-equal account. What each age contains is described on FEATURES_BY_AGE in model.ts.
 */
import type { AccountAge, ResendAccount, ResendAudienceContactRecord, ResendContactRecord, ResendListRecord, ResendSuppressionRecord } from './model.js';
import { createRandom, type Random } from './random.js';
import { formatPgTimestamp } from './timestamps.js';
import { caseVariant, makePerson, type Person } from './generator-people.js';
import { makeApiKeys, makeDomain, makeProperty, makeTemplate, makeTopic, propertyValue, type NextTimestamp } from './generator-content.js';

export { resendTruth, type ResendTruth } from './truth.js';

export interface GenerateOptions {
  seed?: number;
  age?: AccountAge;
  /** Global contacts; for 'old', distinct people spread over audiences; for 'mixed' the legacy audiences hold half as many people again, half of them global contacts in another case. */
  contacts?: number;
  /** Audiences/segments; 'mixed' makes ceil(lists/2) legacy audiences and the rest segments. */
  lists?: number;
  domains?: number;
  templates?: number;
  topics?: number;
  properties?: number;
  suppressions?: number;
  unsubscribedShare?: number;
  /** Share of people in more than one list (in legacy audiences, spelled in another letter case). */
  duplicateShare?: number;
  invalidShare?: number;
  unicodeShare?: number;
  nullNameShare?: number;
}

export const DEFAULT_GENERATE_OPTIONS: Required<GenerateOptions> = {
  seed: 1, age: 'new', contacts: 200, lists: 4, domains: 2, templates: 6, topics: 3, properties: 4,
  suppressions: 12, unsubscribedShare: 0.1, duplicateShare: 0.2, invalidShare: 0.02, unicodeShare: 0.1, nullNameShare: 0.15,
};

/** Account start dates: legacy data predates the Nov 2025 global-contacts model. */
const ERA = { legacy: Date.UTC(2024, 0, 8), modern: Date.UTC(2025, 10, 12) };

/** Strictly increasing timestamps, ~`meanStepSeconds` apart; 1 in 5 has only millisecond precision. */
function sequence(rng: Random, startMs: number, meanStepSeconds: number): NextTimestamp {
  let micros = startMs * 1000;
  return () => {
    micros += rng.int(1_000_000, meanStepSeconds * 2_000_000) + rng.int(0, 999_999);
    return formatPgTimestamp(rng.chance(0.2) ? Math.floor(micros / 1000) * 1000 : micros);
  };
}

export function generateResendAccount(options: GenerateOptions = {}): ResendAccount {
  const o = { ...DEFAULT_GENERATE_OPTIONS, ...options };
  const rng = createRandom(o.seed);
  const legacyEra = o.age !== 'new';
  const accountStart = legacyEra ? ERA.legacy : ERA.modern;
  const account: ResendAccount = {
    age: o.age, apiKeys: makeApiKeys(rng, sequence(rng, accountStart, 86_400)), domains: [], lists: [],
    audienceContacts: [], contacts: [], contactProperties: [], topics: [], templates: [], suppressions: [],
  };
  const domainAt = sequence(rng, accountStart + 3_600_000, 86_400);
  for (let i = 0; i < o.domains; i++) account.domains.push(makeDomain(rng, i, domainAt));

  const legacyLists = o.age === 'old' ? o.lists : o.age === 'mixed' ? Math.ceil(o.lists / 2) : 0;
  const legacyListAt = sequence(rng, ERA.legacy + 86_400_000, 86_400 * 7);
  const segmentAt = sequence(rng, ERA.modern + 86_400_000, 86_400 * 3);
  for (let i = 0; i < o.lists; i++) {
    const legacy = i < legacyLists;
    const name = `${legacy ? 'Audience' : 'Segment'} ${rng.pick(['Customers', 'Newsletter', 'Beta users', 'Leads', 'Webinar', 'VIP'])} ${i + 1}`;
    account.lists.push({ id: rng.uuid(), name, created_at: (legacy ? legacyListAt : segmentAt)(), legacy });
  }
  const audiences = account.lists.filter((l) => l.legacy);
  const segments = account.lists.filter((l) => !l.legacy);

  if (o.age !== 'old') {
    const propAt = sequence(rng, ERA.modern + 3_600_000, 3_600);
    for (let i = 0; i < o.properties; i++) account.contactProperties.push(makeProperty(rng, i, propAt));
    const topicAt = sequence(rng, ERA.modern + 7_200_000, 86_400);
    for (let i = 0; i < o.topics; i++) account.topics.push(makeTopic(rng, i, topicAt));
    const templateAt = sequence(rng, ERA.modern + 86_400_000, 86_400 * 2);
    const sendingDomain = account.domains[0]?.name ?? 'example.com';
    for (let i = 0; i < o.templates; i++) account.templates.push(makeTemplate(rng, i, templateAt, sendingDomain));
    account.contacts = makeGlobalContacts(rng, o, account, segments);
    account.suppressions = makeSuppressions(rng, o.suppressions, account.contacts);
  }
  if (audiences.length > 0) {
    const people: Person[] = [];
    const legacyPeople = o.age === 'old' ? o.contacts : Math.max(1, Math.round(o.contacts / 2));
    const reused = o.age === 'mixed' ? rng.sample(account.contacts, Math.floor(legacyPeople / 2)) : [];
    // Global contacts that also sit in legacy audiences are spelled in another case there.
    for (const c of reused) people.push({ first_name: c.first_name, last_name: c.last_name, email: caseVariant(c.email, rng), invalid: false });
    for (let n = people.length; n < legacyPeople; n++) people.push(makePerson(rng, o.contacts + n, o));
    account.audienceContacts = makeAudienceContacts(rng, o, people, audiences);
  }
  return account;
}

function makeGlobalContacts(rng: Random, o: Required<GenerateOptions>, account: ResendAccount, segments: ResendListRecord[]): ResendContactRecord[] {
  const at = sequence(rng, ERA.modern + 2 * 86_400_000, 300);
  const contacts: ResendContactRecord[] = [];
  for (let i = 0; i < o.contacts; i++) {
    const person = makePerson(rng, i, o);
    let segmentIds: string[] = [];
    if (segments.length > 1 && rng.chance(o.duplicateShare)) segmentIds = rng.sample(segments, rng.int(2, Math.min(3, segments.length))).map((s) => s.id);
    else if (segments.length > 0 && rng.chance(0.85)) segmentIds = [rng.pick(segments).id];
    const properties: ResendContactRecord['properties'] = {};
    if (account.contactProperties.length > 0 && rng.chance(0.4)) {
      for (const p of rng.sample(account.contactProperties, rng.int(1, 3))) properties[p.key] = propertyValue(rng, p);
    }
    const topics: ResendContactRecord['topics'] = {};
    if (account.topics.length > 0 && rng.chance(0.3)) {
      for (const t of rng.sample(account.topics, rng.int(1, 2))) topics[t.id] = rng.chance(0.5) ? 'opt_in' : 'opt_out';
    }
    contacts.push({
      id: rng.uuid(), email: person.email, first_name: person.first_name, last_name: person.last_name,
      unsubscribed: rng.chance(o.unsubscribedShare), created_at: at(), properties, segmentIds, topics,
    });
  }
  return contacts;
}

/** Each person in one audience; `duplicateShare` of them also in 1–2 more, in another letter case. */
function makeAudienceContacts(rng: Random, o: Required<GenerateOptions>, people: Person[], audiences: ResendListRecord[]): ResendAudienceContactRecord[] {
  const placements: Array<{ person: Person; audience_id: string; email: string }> = [];
  for (const person of people) {
    const [first, ...others] = rng.sample(audiences, audiences.length > 1 && rng.chance(o.duplicateShare) ? rng.int(2, Math.min(3, audiences.length)) : 1);
    if (first) placements.push({ person, audience_id: first.id, email: person.email });
    for (const a of others) placements.push({ person, audience_id: a.id, email: caseVariant(person.email, rng) });
  }
  const order = rng.sample(placements, placements.length); // records were created in no particular order
  const at = sequence(rng, ERA.legacy + 2 * 86_400_000, 300);
  return order.map(({ person, audience_id, email }) => ({
    id: rng.uuid(), audience_id, email, first_name: person.first_name, last_name: person.last_name,
    unsubscribed: rng.chance(o.unsubscribedShare), created_at: at(),
  }));
}

/** About half on addresses of existing (valid) contacts, the rest on addresses nobody holds. */
function makeSuppressions(rng: Random, count: number, contacts: ResendContactRecord[]): ResendSuppressionRecord[] {
  const candidates = rng.sample(contacts.filter((c) => !c.email.includes(' ') && /^[^@]+@[^@]+\.[^@]+$/.test(c.email)), Math.ceil(count / 2));
  const at = sequence(rng, ERA.modern + 30 * 86_400_000, 3_600 * 6);
  const out: ResendSuppressionRecord[] = [];
  for (let i = 0; i < count; i++) {
    const existing = rng.chance(0.5) ? candidates.pop() : undefined;
    const origin = rng.pick(['bounce', 'bounce', 'complaint', 'manual', 'manual'] as const);
    out.push({
      id: rng.uuid(), email: existing?.email ?? `bounced.${i}@${rng.pick(['example.net', 'old-company.com', 'gone.io'])}`,
      origin, source_id: origin === 'manual' ? null : rng.uuid(), created_at: at(),
    });
  }
  return out;
}
