/**
 * The data a Resend emulator serves: one team's account, as Resend stores it. Generated
 * deterministically (generator.ts) and used by tests as the truth to compare imports against.
 * Field names follow Resend's wire format where one exists.
 */

export type AccountAge = 'old' | 'new' | 'mixed';

export interface ResendApiKeyRecord {
  id: string;
  name: string;
  token: string;
  permission: 'full_access' | 'sending_access';
  created_at: string;
  last_used_at: string | null;
}

export interface ResendDnsRecord {
  record: 'SPF' | 'DKIM' | 'Receiving' | 'Tracking' | 'TrackingCAA';
  name: string;
  type: 'MX' | 'TXT' | 'CNAME' | 'CAA';
  ttl: string;
  status: 'pending' | 'verified' | 'failed' | 'temporary_failure' | 'not_started';
  value: string;
  priority?: number;
}

export interface ResendDomainRecord {
  id: string;
  name: string;
  status: 'pending' | 'verified' | 'failed' | 'not_started' | 'partially_verified' | 'partially_failed';
  region: 'us-east-1' | 'eu-west-1' | 'sa-east-1' | 'ap-northeast-1';
  created_at: string;
  open_tracking: boolean;
  click_tracking: boolean;
  records: ResendDnsRecord[];
}

/**
 * A list of contacts. `legacy: true` is an Audience of the pre-Nov-2025 model: its contacts are
 * per-audience records (`audienceContacts`) with their own ids and unsubscribed flags. Otherwise
 * it is a Segment whose members are global contacts (`segmentIds` on the contact). Audience and
 * segment ids share one namespace.
 */
export interface ResendListRecord {
  id: string;
  name: string;
  created_at: string;
  legacy: boolean;
}

/** A contact of a legacy audience: the same email in two audiences is two records. */
export interface ResendAudienceContactRecord {
  id: string;
  audience_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  unsubscribed: boolean;
  created_at: string;
}

export type PropertyValue = string | number | boolean | null;

/** A global contact (Nov 2025 model): unique per email, in 0..n segments. */
export interface ResendContactRecord {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  unsubscribed: boolean;
  created_at: string;
  /** Property key → value; served as `{ key: { value, type } }` by GET /contacts/{id}. */
  properties: Record<string, PropertyValue>;
  segmentIds: string[];
  /** Explicit topic subscriptions; a topic absent here falls back to its default. */
  topics: Record<string, 'opt_in' | 'opt_out'>;
}

export interface ResendContactPropertyRecord {
  id: string;
  key: string;
  type: 'string' | 'number' | 'boolean';
  fallback_value: string | number | boolean | null;
  created_at: string;
}

export interface ResendTopicRecord {
  id: string;
  name: string;
  description: string | null;
  default_subscription: 'opt_in' | 'opt_out';
  visibility: 'public' | 'private';
  created_at: string;
}

export interface ResendTemplateVariableRecord {
  id: string;
  key: string;
  type: 'string' | 'number' | 'boolean' | 'object' | 'list';
  fallback_value: string | number | boolean | null;
  created_at: string;
  updated_at: string;
}

export interface ResendTemplateRecord {
  id: string;
  current_version_id: string;
  name: string;
  alias: string | null;
  status: 'draft' | 'published';
  published_at: string | null;
  from: string | null;
  subject: string | null;
  reply_to: string[] | null;
  html: string;
  text: string | null;
  variables: ResendTemplateVariableRecord[];
  has_unpublished_versions: boolean;
  created_at: string;
  updated_at: string;
}

export interface ResendSuppressionRecord {
  id: string;
  email: string;
  origin: 'bounce' | 'complaint' | 'manual';
  source_id: string | null;
  created_at: string;
}

export interface ResendAccount {
  age: AccountAge;
  apiKeys: ResendApiKeyRecord[];
  domains: ResendDomainRecord[];
  lists: ResendListRecord[];
  audienceContacts: ResendAudienceContactRecord[];
  contacts: ResendContactRecord[];
  contactProperties: ResendContactPropertyRecord[];
  topics: ResendTopicRecord[];
  templates: ResendTemplateRecord[];
  suppressions: ResendSuppressionRecord[];
}

/**
 * What each age serves. `old`: only /domains, /api-keys, /audiences and
 * /audiences/{id}/contacts exist (newer paths answer 404 "The requested endpoint does not
 * exist"); every list is legacy. `new`: every endpoint; lists are segments (also listed by
 * /audiences, same ids); no audienceContacts. `mixed`: every endpoint, some legacy audiences
 * (reachable only through /audiences and their per-audience contacts) beside segments and global
 * contacts; an email may exist both as a global contact and in legacy audiences, in another case.
 */
export const FEATURES_BY_AGE: Record<AccountAge, { globalContacts: boolean; legacyAudiences: boolean }> = {
  old: { globalContacts: false, legacyAudiences: true },
  new: { globalContacts: true, legacyAudiences: false },
  mixed: { globalContacts: true, legacyAudiences: true },
};
