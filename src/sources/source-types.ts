import { cleanText } from '../errors/message-text.js';
import type { ProblemLog } from './shared/record-problems.js';
import type { ScanKind, ScanResult } from '../model/scan-result.js';

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
  /** 'audience' (members with a per-list opt-out: Resend legacy, Mailgun), 'segment', or a provider's plain 'list'. */
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
  /** Custom field values by source field name, when the source lists them with the contact. */
  properties?: Record<string, PropertyValue>;
}

export interface SourceCustomField {
  sourceId: string;
  key: string;
  /** The provider's type name, as given ('string', 'number', 'text', ...). */
  type: string;
  fallback: PropertyValue;
}

export interface SourceSuppressionGroup {
  sourceId: string;
  name: string;
  description: string | null;
  defaultSubscription: 'opt_in' | 'opt_out';
}

export interface SourceTemplateVariable {
  key: string;
  type: string;
  fallback: PropertyValue;
}

export interface SourceTemplate {
  sourceId: string;
  name: string;
  alias: string | null;
  status: 'draft' | 'published';
  subject: string | null;
  from: string | null;
  replyTo: string[] | null;
  html: string;
  text: string | null;
  variables: SourceTemplateVariable[];
  /** A newer unpublished draft exists at the source; which version we got is ambiguous. */
  hasUnpublishedVersions: boolean;
  /** The sample values the source keeps for previewing it (SendGrid's `test_data`); null when none. */
  testData: Record<string, unknown> | null;
  /** A Postmark layout, or a template Postmark renders inside one: this platform has no layouts. */
  layout?: { kind: 'layout' } | { kind: 'uses'; alias: string };
}

export type SuppressionReason = 'unsubscribe' | 'bounce' | 'spam_complaint' | 'invalid' | 'block' | 'manual';

export interface SourceSuppression {
  email: string;
  emailOriginal: string;
  reason: SuppressionReason;
  createdAt: Date | null;
}

/** Per-contact data that costs one request per contact: only read when the user asked for it. */
export interface SourceContactDetails {
  properties?: Record<string, PropertyValue>;
  /** Suppression group (topic) id → effective subscription. */
  groups?: Record<string, 'opt_in' | 'opt_out'>;
  /** The contact's row in an uploaded export: names fill what the record lacks, an unsubscribe is kept. */
  uploaded?: { firstName: string | null; lastName: string | null; unsubscribed: boolean | null };
}

/** One page of a resumable read: `nextCursor` resumes right after this page (null at the end). */
export interface SourcePage<T> {
  items: T[];
  nextCursor: string | null;
  /** Problems the source noticed about the whole read (e.g. counts that disagree), for the report. */
  warnings?: string[];
  /** Records the source could not read at all (e.g. a malformed export row), for the report. */
  rejects?: SourceReject[];
}

export interface SourceReject {
  reason: string;
  example: string;
}

/** Where a connector's failure came from, so callers can answer precisely. */
export type SourceErrorKind =
  | 'invalid_credential'
  | 'restricted_credential'
  | 'unavailable'
  | 'rate_limited'
  | 'unexpected_response'
  | 'not_found'
  | 'forbidden'
  | 'pagination_stuck';

export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly details: { endpoint?: string; status?: number; providerCode?: string } = {},
  ) {
    // Messages end up in error_message, logs and webhooks: one clean line, whatever the provider sent.
    super(cleanText(message, 500));
    this.name = 'SourceError';
  }
}

/** Hears a running scan's count of one kind so far (the whole count, not an increment). */
export type ScanCounted = (kind: ScanKind, found: number) => void;

/** What the scan and import workers use; one implementation per provider. */
export interface SourceConnector {
  /** Records skipped because they could not be read or mapped; drained by the importer and the scan. */
  readonly problems: ProblemLog;
  validateCredential(): Promise<void>;
  /** What an import could bring, stored as the job's scan_result; `counted` hears the counts as they grow. */
  scan(counted?: ScanCounted): Promise<ScanResult>;
  domains(): AsyncIterable<SourceDomain>;
  lists(): Promise<SourceList[]>;
  listMembers(list: SourceList, after?: string | null): AsyncIterable<SourcePage<SourceContact>>;
  /** Contacts that may belong to no list; empty for providers where every contact is in a list. */
  globalContacts(after?: string | null): AsyncIterable<SourcePage<SourceContact>>;
  customFields(): Promise<SourceCustomField[]>;
  /** Topics (Resend) or unsubscribe groups (SendGrid): suppression groups here. */
  suppressionGroups(): Promise<SourceSuppressionGroup[]>;
  /** One template with its bodies; null when the source has no template with that id. */
  template(id: string): Promise<SourceTemplate | null>;
  /** The account's suppression list, page by page from `after` (a page's `nextCursor`). */
  suppressions(after?: string | null): AsyncIterable<SourcePage<SourceSuppression>>;
  /** Called before contacts are read, with what will be read: a source may start slow work (exports) early. */
  prepareContactReads?(lists: SourceList[], global: boolean): void;
  /** Properties and/or topic subscriptions of one contact, as asked. */
  contactDetails(contact: SourceContact, want: { properties: boolean; groups: boolean }): Promise<SourceContactDetails>;
  /**
   * A contact read from a list carries everything the read of all contacts would (SendGrid's
   * export rows): the importer then skips, in that read, the contacts a list already gave it.
   */
  readonly listRecordsAreComplete?: boolean;
  /** Whether topic opt-outs are read per contact (Resend); otherwise `groupOptOuts` lists them. */
  readonly perContactGroups: boolean;
  /** Everyone opted out of one topic / unsubscribe group, page by page. */
  groupOptOuts?(topic: SourceSuppressionGroup): AsyncIterable<string[]>;
  /** URLs in a template body that point at the provider's own image hosting (to re-host). */
  hostedImageUrls?(html: string): string[];
  /** Downloads one such image. */
  fetchImage?(url: string): Promise<{ bytes: Buffer; contentType: string }>;
}
