import type { MailgunAccount } from './model.js';

/** What an exact import of a Mailgun account holds, kind by kind, to compare an import with. */
export interface MailgunTruth {
  /** Every plausible address on any list, lower-cased, sorted; one contact each. */
  contactEmails: string[];
  /** Addresses that are not plausible emails: row problems, not contacts. */
  invalidEmails: string[];
  /** List address → its members' addresses (lower-cased, sorted). */
  listMembers: Record<string, string[]>;
  /** List address → members unsubscribed from that list only. */
  listUnsubscribed: Record<string, string[]>;
  /** Contact → its vars. */
  vars: Record<string, Record<string, unknown>>;
  /** Var key → the type its values say. */
  fieldTypes: Record<string, 'string' | 'number' | 'boolean' | 'date'>;
  /** Template name here (the domain added when two domains use one name) → subject and html of the active version. */
  templates: Record<string, { subject: string | null; html: string }>;
  /** Addresses suppressed account-wide: bounces, complaints and unsubscribes tagged `*` (or no tag), on any domain. */
  globalSuppressed: string[];
  /** Unsubscribe tag other than `*` → who unsubscribed from it, on any domain. */
  tagGroups: Record<string, string[]>;
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();
export const plausibleEmail = (address: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address);

function typeOf(values: unknown[]): MailgunTruth['fieldTypes'][string] {
  if (values.every((v) => typeof v === 'number')) return 'number';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  if (values.every((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)))) return 'date';
  return 'string';
}

export function templateNames(account: MailgunAccount): Map<string, string> {
  const seen = new Map<string, number>();
  for (const data of Object.values(account.byDomain)) for (const t of data.templates) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const [domain, data] of Object.entries(account.byDomain)) {
    for (const t of data.templates) names.set(`${domain}/${t.name}`, seen.get(t.name)! > 1 ? `${t.name} (${domain})` : t.name);
  }
  return names;
}

export function mailgunTruth(account: MailgunAccount): MailgunTruth {
  const all = Object.values(account.members).flat();
  const listMembers: Record<string, string[]> = {};
  const listUnsubscribed: Record<string, string[]> = {};
  for (const [list, members] of Object.entries(account.members)) {
    const ok = members.filter((m) => plausibleEmail(m.address));
    listMembers[list] = sortedUnique(ok.map((m) => m.address.toLowerCase()));
    listUnsubscribed[list] = sortedUnique(ok.filter((m) => !m.subscribed).map((m) => m.address.toLowerCase()));
  }
  const vars: MailgunTruth['vars'] = {};
  const valuesByKey = new Map<string, unknown[]>();
  for (const m of all) {
    if (!plausibleEmail(m.address)) continue;
    vars[m.address.toLowerCase()] = m.vars;
    for (const [k, v] of Object.entries(m.vars)) valuesByKey.set(k, [...(valuesByKey.get(k) ?? []), v]);
  }
  const names = templateNames(account);
  const templates: MailgunTruth['templates'] = {};
  const global: string[] = [];
  const tagGroups: Record<string, string[]> = {};
  for (const [domain, data] of Object.entries(account.byDomain)) {
    for (const t of data.templates) {
      const active = t.versions.find((v) => v.active) ?? t.versions[0]!;
      templates[names.get(`${domain}/${t.name}`)!] = { subject: active.headers.Subject ?? null, html: active.template };
    }
    global.push(...data.bounces.map((b) => b.address), ...data.complaints.map((c) => c.address));
    for (const u of data.unsubscribes) {
      // No tag in particular is every tag: `*` is Mailgun's default.
      if (u.tags.length === 0 || u.tags.includes('*')) global.push(u.address);
      for (const tag of u.tags.filter((t) => t !== '*')) (tagGroups[tag] ??= []).push(u.address);
    }
  }
  return {
    contactEmails: sortedUnique(all.filter((m) => plausibleEmail(m.address)).map((m) => m.address.toLowerCase())),
    invalidEmails: sortedUnique(all.filter((m) => !plausibleEmail(m.address)).map((m) => m.address)),
    listMembers,
    listUnsubscribed,
    vars,
    fieldTypes: Object.fromEntries([...valuesByKey].map(([k, v]) => [k, typeOf(v)])),
    templates,
    globalSuppressed: sortedUnique(global.map((a) => a.toLowerCase())),
    tagGroups: Object.fromEntries(Object.entries(tagGroups).map(([tag, emails]) => [tag, sortedUnique(emails.map((e) => e.toLowerCase()))])),
  };
}
