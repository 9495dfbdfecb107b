import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATE_OPTIONS, generateResendAccount, resendTruth } from '../../emulators/resend/generator.js';
import { caseVariant } from '../../emulators/resend/generator-people.js';
import { isPlausibleEmail, normalizeEmail } from '../../emulators/resend/truth.js';
import { createRandom } from '../../emulators/resend/random.js';
import { isPgTimestamp, parsePgTimestamp } from '../../emulators/resend/timestamps.js';
import type { ResendAccount } from '../../emulators/resend/model.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function everyDated(account: ResendAccount): Array<{ id: string; created_at: string }[]> {
  return [account.apiKeys, account.domains, account.audienceContacts, account.contacts, account.contactProperties, account.topics, account.templates, account.suppressions];
}

describe('Resend account generator', () => {
  it('is deterministic per seed', () => {
    for (const age of ['old', 'new', 'mixed'] as const) {
      expect(generateResendAccount({ seed: 42, age, contacts: 150 })).toEqual(generateResendAccount({ seed: 42, age, contacts: 150 }));
      expect(generateResendAccount({ seed: 42, age, contacts: 150 })).not.toEqual(generateResendAccount({ seed: 43, age, contacts: 150 }));
    }
  });

  it('uses UUID v4 ids and Postgres-text timestamps of varying precision, increasing per kind', () => {
    const account = generateResendAccount({ seed: 7, age: 'mixed', contacts: 400 });
    const fractions = new Set<number>();
    for (const items of everyDated(account)) {
      for (const item of items) {
        expect(item.id).toMatch(UUID_V4);
        expect(isPgTimestamp(item.created_at), item.created_at).toBe(true);
        fractions.add(/\.(\d+)\+00$/.exec(item.created_at)?.[1]?.length ?? 0);
      }
      const times = items.map((i) => parsePgTimestamp(i.created_at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(times.length);
    }
    expect(fractions.has(6) && fractions.has(3) && [...fractions].some((f) => f === 4 || f === 5)).toBe(true);
    const keys = account.apiKeys;
    expect(keys.map((k) => k.permission)).toEqual(['full_access', 'sending_access']);
    expect(keys[0]!.token).toMatch(/^re_full_[0-9a-f]+$/);
    expect(keys[1]!.token).toMatch(/^re_send_[0-9a-f]+$/);
  });

  it('gives old accounts only legacy audiences and their contacts, in several cases per person', () => {
    const account = generateResendAccount({ seed: 1, age: 'old', contacts: 300, lists: 4, duplicateShare: 0.3 });
    expect(account.lists.every((l) => l.legacy)).toBe(true);
    expect([account.contacts, account.contactProperties, account.topics, account.templates, account.suppressions].every((a) => a.length === 0)).toBe(true);
    const truth = resendTruth(account);
    expect(truth.contactEmails.length + new Set(truth.invalidEmails.map(normalizeEmail)).size).toBe(300); // one person per n
    expect(truth.caseCollisions.length).toBeGreaterThan(40);
    expect(account.audienceContacts.length).toBeGreaterThan(300);
  });

  it('gives new accounts segments, global contacts and every newer resource, with realistic variety', () => {
    const account = generateResendAccount({ seed: 2, contacts: 600, topics: 4, properties: 5, templates: 6, suppressions: 20, unicodeShare: 0.2 });
    expect(account.lists.every((l) => !l.legacy) && account.audienceContacts.length === 0).toBe(true);
    expect(new Set(account.contacts.map((c) => normalizeEmail(c.email))).size).toBe(600);
    const names = account.contacts.flatMap((c) => [c.first_name, c.last_name]);
    expect(names).toContain(null);
    expect(names.some((n) => n !== null && /[^\x00-\x7f]/.test(n))).toBe(true);
    expect(account.contacts.some((c) => /[^\x00-\x7f]/.test(c.email.split('@')[0]!))).toBe(true);
    expect(account.contacts.some((c) => !isPlausibleEmail(c.email))).toBe(true);
    expect(account.contacts.some((c) => c.segmentIds.length > 1)).toBe(true);
    expect(account.contacts.some((c) => Object.values(c.topics).includes('opt_out'))).toBe(true);
    expect(new Set(account.contactProperties.map((p) => p.type))).toEqual(new Set(['string', 'number', 'boolean']));
    expect(account.contacts.some((c) => Object.keys(c.properties).length > 0)).toBe(true);
    expect(new Set(account.topics.map((t) => t.default_subscription))).toEqual(new Set(['opt_in', 'opt_out']));
    const html = account.templates.map((t) => t.html).join('');
    expect(html).toContain('{{{FIRST_NAME|');
    expect(html).toContain('{{#each');
    expect(html).toContain('{{#if');
    expect(new Set(account.templates.map((t) => t.status))).toEqual(new Set(['draft', 'published']));
    expect(account.templates.some((t) => t.has_unpublished_versions)).toBe(true);
    expect(account.templates.some((t) => t.alias)).toBe(true);
    expect(new Set(account.suppressions.map((s) => s.origin))).toEqual(new Set(['bounce', 'complaint', 'manual']));
    const contactEmails = new Set(account.contacts.map((c) => c.email));
    expect(account.suppressions.some((s) => contactEmails.has(s.email))).toBe(true);
    expect(account.suppressions.some((s) => !contactEmails.has(s.email))).toBe(true);
    expect(account.suppressions.filter((s) => s.origin === 'manual').every((s) => s.source_id === null)).toBe(true);
    expect(account.domains[0]!.records.map((r) => r.record)).toEqual(expect.arrayContaining(['SPF', 'DKIM']));
  });

  it('gives mixed accounts legacy audiences and segments, with emails in both in another case', () => {
    const account = generateResendAccount({ seed: 3, age: 'mixed', contacts: 200, lists: 5 });
    expect(account.lists.filter((l) => l.legacy)).toHaveLength(3);
    expect(account.lists.filter((l) => !l.legacy)).toHaveLength(2);
    const global = new Map(account.contacts.map((c) => [normalizeEmail(c.email), c.email]));
    const twins = account.audienceContacts.filter((a) => global.has(normalizeEmail(a.email)) && global.get(normalizeEmail(a.email)) !== a.email);
    expect(twins.length).toBeGreaterThan(20);
  });

  it('has documented defaults', () => {
    expect(DEFAULT_GENERATE_OPTIONS).toMatchObject({ seed: 1, age: 'new', contacts: 200, lists: 4 });
    expect(generateResendAccount().contacts).toHaveLength(200);
  });

  it('spells case variants that differ only in case', () => {
    const rng = createRandom(9);
    for (const email of ['anna@x.com', 'zoë.ålund3@münchen.de', '李雷4@例え.jp', 'not-an-email-1', 'ayşe.yılmaz2@gmail.com']) {
      const v = caseVariant(email, rng);
      expect(v).not.toBe(email);
      expect(v.toLowerCase()).toBe(email.toLowerCase());
    }
  });
});

describe('resendTruth', () => {
  it('derives emails, list members and unsubscribed counts', () => {
    const account = generateResendAccount({ seed: 5, age: 'mixed', contacts: 120, lists: 4, invalidShare: 0.1 });
    const truth = resendTruth(account);
    const all = [...account.contacts.map((c) => c.email), ...account.audienceContacts.map((a) => a.email)];
    expect(truth.contactEmails).toEqual([...new Set(all.filter(isPlausibleEmail).map(normalizeEmail))].sort());
    expect(truth.invalidEmails.length).toBeGreaterThan(0);
    expect(truth.invalidEmails.every((e) => !isPlausibleEmail(e))).toBe(true);
    for (const list of account.lists) {
      const raw = list.legacy
        ? account.audienceContacts.filter((a) => a.audience_id === list.id).map((a) => a.email)
        : account.contacts.filter((c) => c.segmentIds.includes(list.id)).map((c) => c.email);
      expect(truth.listMembers[list.id]).toEqual([...new Set(raw.filter(isPlausibleEmail).map(normalizeEmail))].sort());
    }
    expect(truth.unsubscribedContacts).toBe(account.contacts.filter((c) => c.unsubscribed).length);
    expect(truth.unsubscribedAudienceContacts).toBe(account.audienceContacts.filter((a) => a.unsubscribed).length);
    expect(truth.counts.contacts).toBe(120);
    expect(truth.suppressedEmails).toHaveLength(account.suppressions.length);
    expect(truth.allEmails.length).toBeGreaterThanOrEqual(truth.contactEmails.length);
    expect(['not-an-email', 'a@@b.com', 'x@localhost', 'a b@c.com', '@c.com', 'a@'].some(isPlausibleEmail)).toBe(false);
    expect(['Anna@X.com', ' zoë@münchen.de '].every(isPlausibleEmail)).toBe(true);
  });
});
