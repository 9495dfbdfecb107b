import type { z } from 'zod';
import { normalizeEmail } from '../shared/email.js';
import { storableDate } from '../shared/dates.js';
import type {
  SourceContact,
  SourceCustomField,
  SourceList,
  SourceSuppression,
  SourceSuppressionGroup,
  SourceTemplate,
  SuppressionReason,
} from '../source-types.js';
import type { wireCustomField, wireGroup, wireList, wireSuppression, wireTemplate, wireTemplateSummary } from './sendgrid-wire.js';

/** Reserved export columns that are not custom fields. */
const RESERVED_COLUMNS = new Set([
  'email', 'first_name', 'last_name', 'address_line_1', 'address_line_2', 'city', 'state_province_region', 'postal_code',
  'country', 'alternate_emails', 'phone_number', 'whatsapp', 'line', 'facebook', 'unique_name', 'created_at', 'updated_at',
  'contact_id', 'list_ids', 'segment_ids', 'email_domains', 'last_clicked', 'last_opened', 'last_emailed',
]);

/** SendGrid keeps one list per reason; each is read in turn, in this order (resume cursors name the list). */
export const SUPPRESSION_LISTS: [string, SuppressionReason][] = [
  ['unsubscribes', 'unsubscribe'],
  ['bounces', 'bounce'],
  ['blocks', 'block'],
  ['spam_reports', 'spam_complaint'],
  ['invalid_emails', 'invalid'],
];

/** Names are free text at SendGrid; a blank one would be no name at all here. */
function nameOr(name: string | null | undefined, id: string): string {
  return name?.trim() || id;
}

/** SendGrid's `created` is Unix seconds (a number, sometimes as text). */
function unixTime(value: number | string | undefined): Date | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (!seconds || !Number.isFinite(seconds)) return null;
  return storableDate(new Date(seconds * 1000));
}

export function mapList(l: z.infer<typeof wireList>): SourceList & { contactCount: number } {
  return { sourceId: l.id, name: nameOr(l.name, l.id), kind: 'list', createdAt: null, contactCount: l.contact_count ?? 0 };
}

export function mapCustomField(f: z.infer<typeof wireCustomField>): SourceCustomField {
  return { sourceId: f.id, key: f.name, type: f.field_type ?? 'Text', fallback: null };
}

/** Unsubscribe groups: everyone is in one until they opt out. */
export function mapGroup(g: z.infer<typeof wireGroup>): SourceSuppressionGroup {
  return { sourceId: g.id, name: nameOr(g.name, g.id), description: g.description || null, defaultSubscription: 'opt_in' };
}

export function mapTemplateSummary(t: z.infer<typeof wireTemplateSummary>): { id: string; name: string } {
  return { id: t.id, name: nameOr(t.name, t.id) };
}

/** A dynamic template is what its active version says; without one marked active, its first version. */
export function mapTemplate(t: z.infer<typeof wireTemplate>): SourceTemplate {
  const active = t.versions.find((v) => v.active === 1 || v.active === true) ?? t.versions[0];
  return {
    sourceId: t.id,
    name: nameOr(t.name, t.id),
    alias: null,
    status: active ? 'published' : 'draft',
    subject: active?.subject ?? null,
    from: null,
    replyTo: null,
    html: active?.html_content ?? '',
    text: active?.plain_content ?? null,
    variables: [],
    hasUnpublishedVersions: false,
    testData: active?.test_data ?? null,
  };
}

export function mapSuppression(r: z.infer<typeof wireSuppression>, reason: SuppressionReason): SourceSuppression {
  return { email: normalizeEmail(r.email), emailOriginal: r.email, reason, createdAt: unixTime(r.created) };
}

/** Where each column of an export file goes: the reserved ones we keep, the rest as custom fields. */
export interface ColumnPlan {
  columns: string[];
  email: number;
  firstName: number;
  lastName: number;
  contactId: number;
  createdAt: number;
  /** Column index → the custom field's own name. */
  properties: [number, string][];
}

/**
 * Export headers are lower-cased, so `names` (lower-cased name → the field's own name) gives a
 * custom field back its name; a column no definition names keeps the header.
 */
export function columnPlan(columns: string[], names: Map<string, string>): ColumnPlan {
  const properties: [number, string][] = [];
  columns.forEach((column, i) => {
    if (!RESERVED_COLUMNS.has(column)) properties.push([i, names.get(column) ?? column]);
  });
  return {
    columns,
    email: columns.indexOf('email'),
    firstName: columns.indexOf('first_name'),
    lastName: columns.indexOf('last_name'),
    contactId: columns.indexOf('contact_id'),
    createdAt: columns.indexOf('created_at'),
    properties,
  };
}

/** One export row; an empty cell is an unset value, and a row may stop short of its header. */
export function mapContactRow(row: string[], plan: ColumnPlan): SourceContact {
  const cell = (i: number) => (i < 0 ? '' : (row[i] ?? ''));
  const properties: Record<string, string | null> = {};
  for (const [i, name] of plan.properties) {
    const value = row[i] ?? '';
    properties[name] = value === '' ? null : value;
  }
  const email = cell(plan.email);
  const createdRaw = cell(plan.createdAt);
  const created = createdRaw ? storableDate(new Date(createdRaw)) : null;
  return {
    sourceId: cell(plan.contactId) || email,
    email: normalizeEmail(email),
    emailOriginal: email,
    firstName: cell(plan.firstName).trim() || null,
    lastName: cell(plan.lastName).trim() || null,
    unsubscribed: false, // SendGrid keeps opt-outs in its suppression lists, imported as such
    createdAt: created,
    properties,
  };
}
