/**
 * Expectations derived from a generated SendGrid account, for tests to compare an import
 * against. Emails are normalized as trim + lowercase with the importer's own validity rule.
 */
import { emailProblem, normalizeEmail } from '../../src/sources/shared/email.js';
import { SUPPRESSION_KINDS, type SendGridAccount, type SuppressionKind } from './model.js';

export { normalizeEmail };

export function isPlausibleEmail(email: string): boolean {
  return emailProblem(normalizeEmail(email)) === null;
}

export interface SendGridTruth {
  /** Distinct valid normalized contact emails, sorted. */
  contactEmails: string[];
  /** Stored contact addresses that are not plausible emails, sorted. */
  invalidEmails: string[];
  /** List id → valid normalized member emails, sorted. */
  listMembers: Record<string, string[]>;
  /** Contacts in more than one list. */
  multiListContacts: number;
  /** Custom field name → id (ids are account-specific; an import must map by name). */
  customFieldIds: Record<string, string>;
  /** Normalized email → { custom field NAME → value }, for contacts with any custom value. */
  customValues: Record<string, Record<string, string | number>>;
  /** Kind → distinct normalized emails, sorted. */
  suppressed: Record<SuppressionKind, string[]>;
  /** Group id → distinct normalized emails unsubscribed from it, sorted. */
  groupSuppressed: Record<number, string[]>;
  /** Every distinct normalized suppressed email (all kinds and groups), sorted. */
  allSuppressed: string[];
  /** Dynamic template id → id of its active version. */
  activeVersions: Record<string, string>;
  /** Distinct CDN image URLs referenced by templates, sorted. */
  imageUrls: string[];
  counts: { contacts: number; lists: number; customFields: number; dynamicTemplates: number; legacyTemplates: number; groups: number };
}

const sortedUnique = (items: Iterable<string>) => [...new Set(items)].sort();

export function sendgridTruth(account: SendGridAccount): SendGridTruth {
  const valid = account.contacts.filter((c) => isPlausibleEmail(c.email));
  const emailById = new Map(valid.map((c) => [c.id, normalizeEmail(c.email)]));
  const nameById = new Map(account.customFields.map((f) => [f.id, f.name]));
  const customValues: SendGridTruth['customValues'] = {};
  for (const c of valid) {
    const entries = Object.entries(c.custom_fields).map(([id, v]) => [nameById.get(id) ?? id, v] as const);
    if (entries.length > 0) customValues[normalizeEmail(c.email)] = Object.fromEntries(entries);
  }
  const suppressed = Object.fromEntries(SUPPRESSION_KINDS.map((k) => [k, sortedUnique(account.suppressions[k].map((s) => normalizeEmail(s.email)))])) as Record<SuppressionKind, string[]>;
  const groupSuppressed = Object.fromEntries(account.groups.map((g) => [g.id, sortedUnique(g.suppressions.map((s) => normalizeEmail(s.email)))]));
  const dynamic = account.templates.filter((t) => t.generation === 'dynamic');
  return {
    contactEmails: sortedUnique(emailById.values()),
    invalidEmails: sortedUnique(account.contacts.filter((c) => !isPlausibleEmail(c.email)).map((c) => c.email)),
    listMembers: Object.fromEntries(account.lists.map((l) => [l.id, sortedUnique(l.contact_ids.flatMap((id) => emailById.get(id) ?? []))])),
    multiListContacts: account.contacts.filter((c) => c.list_ids.length > 1).length,
    customFieldIds: Object.fromEntries(account.customFields.map((f) => [f.name, f.id])),
    customValues,
    suppressed,
    groupSuppressed,
    allSuppressed: sortedUnique([...Object.values(suppressed).flat(), ...Object.values(groupSuppressed).flat()]),
    activeVersions: Object.fromEntries(dynamic.map((t) => [t.id, t.versions.find((v) => v.active === 1)!.id])),
    imageUrls: sortedUnique(account.images.map((i) => i.url)),
    counts: {
      contacts: account.contacts.length, lists: account.lists.length, customFields: account.customFields.length,
      dynamicTemplates: dynamic.length, legacyTemplates: account.templates.length - dynamic.length, groups: account.groups.length,
    },
  };
}
