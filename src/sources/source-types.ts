/**
 * What every source connector yields: provider-neutral records. Nothing outside
 * src/sources/<provider> knows a provider's wire format.
 */

export type PropertyValue = string | number | boolean | null;

export interface SourceDnsRecord {
  record: string;
  name: string;
  type: string;
  value: string;
  ttl: string | null;
  priority: number | null;
  status: string | null;
}

export interface SourceDomain {
  sourceId: string;
  name: string;
  status: string;
  region: string | null;
  createdAt: Date | null;
  records: SourceDnsRecord[];
}

export interface SourceList {
  sourceId: string;
  name: string;
  /** 'audience' (Resend legacy, per-list contacts), 'segment', or a provider's plain 'list'. */
  kind: 'audience' | 'segment' | 'list';
  createdAt: Date | null;
}

export interface SourceContact {
  sourceId: string;
  /** Trimmed and lower-cased: the identity of the contact. */
  email: string;
  /** As the provider had it, for display. */
  emailOriginal: string;
  firstName: string | null;
  lastName: string | null;
  /** Unsubscribed as the source defines it for this record (global, or per audience for legacy). */
  unsubscribed: boolean;
  createdAt: Date | null;
}

/** One page of a resumable read: `nextCursor` resumes right after this page (null at the end). */
export interface SourcePage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ScanError {
  resource: string;
  message: string;
}

/** Where a connector's failure came from, so callers can answer precisely. */
export type SourceErrorKind =
  | 'invalid_credential'
  | 'restricted_credential'
  | 'unavailable'
  | 'rate_limited'
  | 'unexpected_response'
  | 'not_found'
  | 'pagination_stuck';

export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly details: { endpoint?: string; status?: number; providerCode?: string } = {},
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/** What the scan and import workers use; one implementation per provider. */
export interface SourceConnector {
  validateCredential(): Promise<void>;
  /** Counts and selectable items, stored as the job's scan_result (snake_case JSON). */
  scan(): Promise<{ domains: { name: string }[]; audiences: { id: string }[] } & Record<string, unknown>>;
  domains(): AsyncIterable<SourceDomain>;
  lists(): Promise<SourceList[]>;
  listMembers(list: SourceList, after?: string | null): AsyncIterable<SourcePage<SourceContact>>;
  /** Contacts that may belong to no list; empty for providers where every contact is in a list. */
  globalContacts(after?: string | null): AsyncIterable<SourcePage<SourceContact>>;
}
