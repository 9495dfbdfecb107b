/**
 * Expectations derived from a generated account, for tests to compare an import against. Emails
 * are normalized as trim + lowercase; "valid" means plausibly deliverable (see isPlausibleEmail).
 */
import type { ResendAccount } from './model.js';
import { emailProblem, normalizeEmail } from '../../src/sources/shared/email.js';

export { normalizeEmail };

/** The importer's own rule, so expectations and imports can never disagree on validity. */
export function isPlausibleEmail(email: string): boolean {
  return emailProblem(normalizeEmail(email)) === null;
}

export interface ResendTruth {
  /** Distinct valid normalized emails of global and legacy-audience contacts, sorted. */
  contactEmails: string[];
  /** Raw stored addresses that are not plausible emails (global and audience contacts), sorted. */
  invalidEmails: string[];
  /** Distinct normalized emails on the suppression list, sorted. */
  suppressedEmails: string[];
  /** Every distinct valid normalized email anywhere (contacts and suppressions), sorted. */
  allEmails: string[];
  /** List id → distinct valid normalized member emails, sorted (legacy: audience contacts; segment: global members). */
  listMembers: Record<string, string[]>;
  /** Normalized valid emails that appear in more than one spelling (case) somewhere in the account. */
  caseCollisions: string[];
  /** Global contacts with unsubscribed: true. */
  unsubscribedContacts: number;
  /** Legacy audience records with unsubscribed: true (per audience, so one person may count twice). */
  unsubscribedAudienceContacts: number;
  /** Distinct valid normalized emails with an unsubscribed flag on any record. */
  unsubscribedEmails: string[];
  counts: { [K in Exclude<keyof ResendAccount, 'age'>]: number };
}

const sorted = (set: Iterable<string>) => [...set].sort();

export function resendTruth(account: ResendAccount): ResendTruth {
  const contact = new Set<string>();
  const invalid = new Set<string>();
  const unsubscribed = new Set<string>();
  const spellings = new Map<string, Set<string>>();
  const members = new Map<string, Set<string>>(account.lists.map((l) => [l.id, new Set()]));
  const visit = (email: string, listIds: string[], isUnsubscribed: boolean) => {
    if (!isPlausibleEmail(email)) return void invalid.add(email);
    const n = normalizeEmail(email);
    contact.add(n);
    if (isUnsubscribed) unsubscribed.add(n);
    spellings.set(n, (spellings.get(n) ?? new Set()).add(email.trim()));
    for (const id of listIds) members.get(id)?.add(n);
  };
  for (const c of account.contacts) visit(c.email, c.segmentIds, c.unsubscribed);
  for (const a of account.audienceContacts) visit(a.email, [a.audience_id], a.unsubscribed);
  const suppressed = new Set(account.suppressions.map((s) => normalizeEmail(s.email)));
  return {
    contactEmails: sorted(contact),
    invalidEmails: sorted(invalid),
    suppressedEmails: sorted(suppressed),
    allEmails: sorted(new Set([...contact, ...[...suppressed].filter(isPlausibleEmail)])),
    listMembers: Object.fromEntries([...members].map(([id, set]) => [id, sorted(set)])),
    caseCollisions: sorted([...spellings].filter(([, s]) => s.size > 1).map(([n]) => n)),
    unsubscribedContacts: account.contacts.filter((c) => c.unsubscribed).length,
    unsubscribedAudienceContacts: account.audienceContacts.filter((a) => a.unsubscribed).length,
    unsubscribedEmails: sorted(unsubscribed),
    counts: {
      apiKeys: account.apiKeys.length, domains: account.domains.length, lists: account.lists.length,
      audienceContacts: account.audienceContacts.length, contacts: account.contacts.length,
      contactProperties: account.contactProperties.length, topics: account.topics.length,
      templates: account.templates.length, suppressions: account.suppressions.length,
    },
  };
}
