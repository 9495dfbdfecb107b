import type { PostmarkAccount, PostmarkSuppressionRecord } from './model.js';

/** What an exact import of a Postmark account holds. */
export interface PostmarkTruth {
  /** Domains and the domains of sender signatures, sorted. */
  domains: string[];
  /** Template name here (the server added when two servers use one name) → subject, html, and whether it is a layout or is rendered inside one. */
  templates: Record<string, { subject: string | null; html: string; layout: boolean }>;
  /** Transactional streams' suppressions, on every server: account-wide here. */
  global: Record<string, string>;
  /** `<server> · <stream>` of each broadcast stream → who is suppressed on it. */
  groups: Record<string, string[]>;
}

export const SUPPRESSION_REASON = (s: Pick<PostmarkSuppressionRecord, 'SuppressionReason' | 'Origin'>) =>
  s.SuppressionReason === 'HardBounce' ? 'bounce' : s.SuppressionReason === 'SpamComplaint' ? 'spam_complaint' : s.Origin === 'Recipient' ? 'unsubscribe' : 'manual';

export function postmarkTruth(account: PostmarkAccount): PostmarkTruth {
  const uses = new Map<string, number>();
  for (const s of account.servers) for (const t of s.templates) uses.set(t.Name, (uses.get(t.Name) ?? 0) + 1);
  const templates: PostmarkTruth['templates'] = {};
  const global: Record<string, string> = {};
  const groups: Record<string, string[]> = {};
  for (const s of account.servers) {
    for (const t of s.templates) {
      templates[uses.get(t.Name)! > 1 ? `${t.Name} (${s.Name})` : t.Name] = { subject: t.Subject || null, html: t.HtmlBody, layout: t.TemplateType === 'Layout' || Boolean(t.LayoutTemplate) };
    }
    for (const stream of s.streams) {
      const suppressed = s.suppressions[stream.ID] ?? [];
      if (stream.MessageStreamType === 'Transactional') for (const x of suppressed) global[x.EmailAddress.toLowerCase()] ??= SUPPRESSION_REASON(x);
      if (stream.MessageStreamType === 'Broadcasts') groups[`${s.Name} · ${stream.Name}`] = suppressed.map((x) => x.EmailAddress.toLowerCase()).sort();
    }
  }
  return {
    domains: [...new Set([...account.domains.map((d) => d.Name), ...account.senders.map((x) => x.Domain)])].sort(),
    templates,
    global,
    groups,
  };
}
