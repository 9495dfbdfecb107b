import { emailProblem } from '../shared/email.js';
import { emailKey } from '../shared/email-key.js';
import type { PropertyValue, SourceList } from '../source-types.js';
import type { MailgunConnector } from './mailgun-connector.js';

/** What one read of every list's members says. */
export interface MemberInspection {
  /** Var key → the type its values say: number, boolean or date when all of them are, else string. */
  fieldTypes: Map<string, 'string' | 'number' | 'boolean' | 'date'>;
  /** Whether some member has a var whose name is empty (vars are any JSON object): not a custom field. */
  unnamedVars: boolean;
  /** Distinct importable addresses on any list. */
  contacts: number;
  /** Of them, those unsubscribed from at least one list. */
  unsubscribed: number;
  invalid: number;
  /** List address → members unsubscribed from it. */
  unsubscribedByList: Map<string, number>;
  /** Member pages read: what an import reads again. */
  pages: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

type Candidate = 'number' | 'boolean' | 'date';
const fits = (value: PropertyValue): Candidate[] => {
  if (typeof value === 'number') return ['number'];
  if (typeof value === 'boolean') return ['boolean'];
  if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) return ['date'];
  return [];
};

export async function inspectMembers(connector: MailgunConnector, lists: SourceList[], counted: (contacts: number) => void): Promise<MemberInspection> {
  const candidates = new Map<string, Set<Candidate>>();
  const seen = new Set<number>();
  const unsubscribed = new Set<number>();
  const invalid = new Set<number>();
  const unsubscribedByList = new Map<string, number>();
  let pages = 0;
  let unnamed = false;
  for (const list of lists) {
    let listUnsubscribed = 0;
    for await (const page of connector.listMembers(list)) {
      pages++;
      for (const m of page.items) {
        const key = emailKey(m.email);
        if (emailProblem(m.email)) {
          invalid.add(key);
          continue;
        }
        seen.add(key);
        if (m.unsubscribed) {
          listUnsubscribed++;
          unsubscribed.add(key);
        }
        for (const [name, value] of Object.entries(m.properties ?? {})) {
          if (!name.trim()) {
            unnamed = true;
            continue;
          }
          if (value === null) continue;
          const now = new Set(fits(value));
          const before = candidates.get(name);
          candidates.set(name, before ? new Set([...before].filter((c) => now.has(c))) : now);
        }
      }
      counted(seen.size);
    }
    unsubscribedByList.set(list.sourceId, listUnsubscribed);
  }
  const fieldTypes = new Map([...candidates].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, c]) => [key, [...c][0] ?? ('string' as const)]));
  return { fieldTypes, unnamedVars: unnamed, contacts: seen.size, unsubscribed: unsubscribed.size, invalid: invalid.size, unsubscribedByList, pages };
}
