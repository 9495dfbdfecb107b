import type { ContactRow } from './contact-bulk-writer.js';

/**
 * PostgreSQL COPY text format: tab-separated columns, one row per line, `\N` for null, and
 * backslash escapes for backslash, tab, newline and carriage return. (Rows reach here without
 * NUL, which PostgreSQL text cannot hold: see contact-bulk-writer.ts.)
 */
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/** Contact rows, `[id, row]`, in the column order of COPY_CONTACTS (contact-bulk-writer.ts). */
export function encodeContactRows(organizationId: string, rows: [string, ContactRow][], migrationJobId: string | null = null): Buffer {
  const org = copyValue(organizationId);
  const job = copyValue(migrationJobId);
  let text = '';
  for (const [id, r] of rows) {
    text += `${id}\t${org}\t${copyValue(r.email)}\t${copyValue(r.emailDisplay)}\t${copyValue(r.firstName)}\t${copyValue(r.lastName)}\t${
      r.unsubscribed ? 't' : 'f'
    }\t${copyValue(JSON.stringify(r.customFields))}\t${job}\n`;
  }
  return Buffer.from(text, 'utf8');
}

/** Membership rows, `[contact id, unsubscribed]`, in the column order of COPY_MEMBERSHIPS. */
export function encodeMembershipRows(audienceId: string, organizationId: string, rows: [string, boolean][]): Buffer {
  const prefix = `${copyValue(audienceId)}\t${copyValue(organizationId)}\t`;
  let text = '';
  for (const [id, unsubscribed] of rows) text += `${prefix}${id}\t${unsubscribed ? 't' : 'f'}\n`;
  return Buffer.from(text, 'utf8');
}
