import type { ScanError } from '../../model/scan-result.js';
import type { SendGridHttp } from './sendgrid-http.js';
import { parseBody } from './sendgrid-pagination.js';
import { wireScopes } from './sendgrid-wire.js';

/** The scopes each kind needs (sendgrid.md §6). */
export const REQUIRED_SCOPES = {
  contacts: ['marketing.read'],
  templates: ['templates.read', 'templates.versions.read'],
  groups: ['asm.groups.read', 'asm.groups.suppressions.read'],
  suppressions: ['suppression.read'],
} as const;
export type ScopedKind = keyof typeof REQUIRED_SCOPES;

/** What the user loses without a kind's scopes, in the words of the scan's error. */
const LOST_WITHOUT: Record<ScopedKind, string> = {
  contacts: 'contacts, lists and custom fields',
  templates: 'templates',
  groups: 'unsubscribe groups',
  suppressions: 'suppressions (global unsubscribes, bounces, blocks, spam reports, invalid emails)',
};

export async function readScopes(http: SendGridHttp): Promise<Set<string>> {
  return new Set(parseBody('GET /v3/scopes', wireScopes, await http.get('/v3/scopes')).scopes);
}

export function missingScopes(granted: Set<string>, kind: ScopedKind): string[] {
  return REQUIRED_SCOPES[kind].filter((s) => !granted.has(s));
}

/** A kind the key cannot read is read as empty, not failed: the scan says so, and how to fix it. */
export function scopeErrors(granted: Set<string>): ScanError[] {
  const errors: ScanError[] = [];
  for (const kind of Object.keys(REQUIRED_SCOPES) as ScopedKind[]) {
    const missing = missingScopes(granted, kind);
    if (missing.length) {
      errors.push({
        resource: kind,
        message: `The API key lacks ${missing.join(', ')}: ${LOST_WITHOUT[kind]} will not be imported. Add the scope to the key (Settings → API Keys) and rescan to include them.`,
      });
    }
  }
  return errors;
}
