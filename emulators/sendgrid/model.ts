/**
 * The data a SendGrid emulator serves: one account, as SendGrid stores it. Generated
 * deterministically (generator.ts) and used by tests as the truth to compare imports against.
 * Field names follow SendGrid's wire format; each area keeps its own timestamp format
 * (sendgrid.md §0): Marketing Campaigns ISO-8601, templates "YYYY-MM-DD HH:MM:SS", suppressions
 * unix seconds.
 */

export type FieldType = 'Text' | 'Number' | 'Date';

/** A custom field: `id` is account-specific (`e1_T`, `w2_N`, `d3_D`), the suffix follows the type. */
export interface SendGridCustomFieldRecord {
  id: string;
  name: string;
  field_type: FieldType;
}

export interface SendGridReservedFieldRecord extends SendGridCustomFieldRecord {
  read_only: boolean;
}

/** Writable reserved text fields a contact may carry (sendgrid.md §3), in the export's column order. */
export const CONTACT_TEXT_FIELDS = [
  'first_name', 'last_name', 'address_line_1', 'address_line_2', 'city', 'state_province_region',
  'postal_code', 'country', 'phone_number', 'whatsapp', 'line', 'facebook', 'unique_name',
] as const;
export type ContactTextField = (typeof CONTACT_TEXT_FIELDS)[number];

/** Reserved field definitions as GET /v3/marketing/field_definitions lists them (`_rf0_T` …). */
export const RESERVED_FIELDS: readonly SendGridReservedFieldRecord[] = [
  ...['first_name', 'last_name', 'email', 'alternate_emails', 'address_line_1', 'address_line_2', 'city',
    'state_province_region', 'postal_code', 'country', 'phone_number', 'whatsapp', 'line', 'facebook', 'unique_name']
    .map((name) => ({ name, field_type: 'Text' as FieldType, read_only: false })),
  ...([['email_domains', 'Text'], ['last_clicked', 'Date'], ['last_opened', 'Date'], ['last_emailed', 'Date'],
    ['singlesend_id', 'Text'], ['automation_id', 'Text'], ['created_at', 'Date'], ['updated_at', 'Date'], ['contact_id', 'Text']] as const)
    .map(([name, field_type]) => ({ name, field_type, read_only: true })),
].map((f, i) => ({ id: `_rf${i}_T`, ...f }));

/** A Marketing Campaigns contact: unique per (lower-cased) email, in 0..n lists. */
export type SendGridContactRecord = Partial<Record<ContactTextField, string>> & {
  id: string;
  email: string;
  alternate_emails: string[];
  list_ids: string[];
  /** Custom field id → value (Date values as ISO-8601 strings). Reads serve them keyed by name. */
  custom_fields: Record<string, string | number>;
  created_at: string;
  updated_at: string;
};

export interface SendGridListRecord {
  id: string;
  name: string;
  /** Member contact ids; mirrors `list_ids` on the contacts. */
  contact_ids: string[];
}

export interface SendGridTemplateVersionRecord {
  id: string;
  template_id: string;
  /** Exactly one version per template has 1. */
  active: 0 | 1;
  name: string;
  subject: string;
  html_content: string;
  plain_content: string;
  generate_plain_content: boolean;
  editor: 'code' | 'design';
  /** JSON text (dynamic templates only). */
  test_data?: string;
  thumbnail_url: string;
  updated_at: string;
}

/** Dynamic ids are `d-` + 32 hex; legacy ids are UUIDs using `<%body%>`/`<%subject%>` tags. */
export interface SendGridTemplateRecord {
  id: string;
  name: string;
  generation: 'dynamic' | 'legacy';
  updated_at: string;
  versions: SendGridTemplateVersionRecord[];
}

/** An image hosted on SendGrid's CDN and referenced by templates; the emulator serves it. */
export interface SendGridImageRecord {
  /** The real-looking URL in the template HTML, e.g. https://cdn.mcauto-images-production.sendgrid.net/…/600x200.png */
  url: string;
  /** Its path, served by the emulator under `cdnUrl`. */
  path: string;
}

export interface SendGridGroupRecord {
  id: number;
  name: string;
  description: string;
  is_default: boolean;
  /** Emails unsubscribed from this group, with unix-seconds times (served by /v3/asm/suppressions). */
  suppressions: Array<{ email: string; created_at: number }>;
}

export interface SendGridUnsubscribeRecord { email: string; created: number }
export interface SendGridBounceRecord { email: string; created: number; reason: string; status: string }
export interface SendGridSpamReportRecord { email: string; created: number; ip: string }
export interface SendGridInvalidEmailRecord { email: string; created: number; reason: string }

export interface SendGridSuppressions {
  unsubscribes: SendGridUnsubscribeRecord[];
  bounces: SendGridBounceRecord[];
  blocks: SendGridBounceRecord[];
  spam_reports: SendGridSpamReportRecord[];
  invalid_emails: SendGridInvalidEmailRecord[];
}
export type SuppressionKind = keyof SendGridSuppressions;
export const SUPPRESSION_KINDS: readonly SuppressionKind[] = ['unsubscribes', 'bounces', 'blocks', 'spam_reports', 'invalid_emails'];

/** A key (`SG.` + 66 characters) and the scopes GET /v3/scopes reports for it. */
export interface SendGridApiKeyRecord {
  id: string;
  name: string;
  token: string;
  scopes: string[];
}

export interface SendGridAccount {
  apiKeys: SendGridApiKeyRecord[];
  customFields: SendGridCustomFieldRecord[];
  contacts: SendGridContactRecord[];
  lists: SendGridListRecord[];
  templates: SendGridTemplateRecord[];
  images: SendGridImageRecord[];
  groups: SendGridGroupRecord[];
  suppressions: SendGridSuppressions;
}

/** Read scopes by area (sendgrid.md §6); a full-access key holds all of them. */
export const READ_SCOPES = {
  marketing: ['marketing.read'],
  templates: ['templates.read', 'templates.versions.read', 'templates.versions.activate.read'],
  asm: ['asm.groups.read', 'asm.groups.suppressions.read', 'asm.suppressions.global.read'],
  suppression: ['suppression.read', 'suppression.bounces.read', 'suppression.blocks.read', 'suppression.spam_reports.read',
    'suppression.invalid_emails.read', 'suppression.unsubscribes.read'],
} as const;
