import type { ResendAccount } from './model.js';

/**
 * The CSV files Resend's dashboard exports (Contacts → Export, Suppressions → Download CSV), as
 * a customer would upload them: one row per global contact with one column per property, and
 * one row per suppression. Values are quoted where RFC 4180 needs it.
 */
const cell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const line = (cells: unknown[]) => `${cells.map(cell).join(',')}\r\n`;

export function resendContactsExport(account: ResendAccount, options: { omit?: Set<string>; extra?: { email: string }[] } = {}): string {
  const keys = account.contactProperties.map((p) => p.key);
  const segments = new Map(account.lists.map((l) => [l.id, l.name]));
  let csv = line(['id', 'email', 'first_name', 'last_name', 'unsubscribed', 'created_at', ...keys, 'segments']);
  for (const c of account.contacts) {
    if (options.omit?.has(c.email)) continue;
    csv += line([c.id, c.email, c.first_name, c.last_name, c.unsubscribed, c.created_at, ...keys.map((k) => c.properties[k]), c.segmentIds.map((id) => segments.get(id)).join(';')]);
  }
  for (const e of options.extra ?? []) csv += line(['', e.email, 'Not', 'There', false, '', ...keys.map(() => ''), '']);
  return csv;
}

export function resendSuppressionsExport(rows: { email: string; origin: string; created_at: string }[]): string {
  return line(['email', 'origin', 'created_at']) + rows.map((s) => line([s.email, s.origin, s.created_at])).join('');
}
