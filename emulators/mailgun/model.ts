/**
 * A Mailgun account as its API serves it (`emulators/specs/mailgun/openapi.yaml` and the provider
 * notes): domains, mailing lists (per account) and their members, templates and suppressions (per
 * domain). Dates are RFC-2822 strings, as Mailgun writes them.
 */

export type MailgunRegion = 'us' | 'eu';

export interface MailgunApiKeyRecord {
  name: string;
  token: string;
  /** The account's private key reads everything; a Domain Sending Key can only send mail. */
  kind: 'private' | 'sending';
}

export interface MailgunDnsRecord {
  record_type: string;
  name: string;
  value: string;
  priority?: string;
  valid: 'valid' | 'unknown' | 'invalid';
  is_active: boolean;
  cached: string[];
}

export interface MailgunDomainRecord {
  id: string;
  name: string;
  state: 'active' | 'unverified' | 'disabled';
  type: 'custom' | 'sandbox';
  created_at: string;
  is_disabled: boolean;
  require_tls: boolean;
  skip_verification: boolean;
  smtp_login: string;
  spam_action: string;
  use_automatic_sender_security: boolean;
  web_prefix: string;
  web_scheme: string;
  wildcard: boolean;
  encrypt_incoming_message: boolean;
  message_ttl: number;
  sending_dns_records: MailgunDnsRecord[];
  receiving_dns_records: MailgunDnsRecord[];
}

export interface MailgunListRecord {
  address: string;
  name: string;
  description: string;
  access_level: 'readonly' | 'members' | 'everyone';
  reply_preference: 'list' | 'sender';
  created_at: string;
}

export interface MailgunMemberRecord {
  address: string;
  name: string;
  /** Any JSON: where Mailgun users keep what other providers call custom fields. */
  vars: Record<string, unknown>;
  subscribed: boolean;
}

export interface MailgunTemplateVersionRecord {
  tag: string;
  template: string;
  engine: 'handlebars' | 'go';
  mjml: string;
  createdAt: string;
  comment: string;
  active: boolean;
  id: string;
  /** Only From, Subject and Reply-To. */
  headers: Record<string, string>;
}

export interface MailgunTemplateRecord {
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  id: string;
  versions: MailgunTemplateVersionRecord[];
}

export interface MailgunBounceRecord { address: string; code: string; error: string; created_at: string }
export interface MailgunUnsubscribeRecord { address: string; tags: string[]; created_at: string }
export interface MailgunComplaintRecord { address: string; created_at: string }
export interface MailgunAllowlistRecord { type: 'address' | 'domain'; value: string; reason: string; createdAt: string }

export interface MailgunDomainData {
  templates: MailgunTemplateRecord[];
  bounces: MailgunBounceRecord[];
  unsubscribes: MailgunUnsubscribeRecord[];
  complaints: MailgunComplaintRecord[];
  allowlist: MailgunAllowlistRecord[];
}

export interface MailgunAccount {
  /** Where its data lives: keys and data do not cross regions. */
  region: MailgunRegion;
  apiKeys: MailgunApiKeyRecord[];
  domains: MailgunDomainRecord[];
  lists: MailgunListRecord[];
  /** By list address. */
  members: Record<string, MailgunMemberRecord[]>;
  /** By domain name. */
  byDomain: Record<string, MailgunDomainData>;
}
