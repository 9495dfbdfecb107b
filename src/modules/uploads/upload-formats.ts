import { z } from 'zod';
import type { KnownSource } from '../source-catalog/source-catalog.js';
import type { SuppressionReason } from '../../sources/source-types.js';
import { CUSTOM_FIELD_TYPES, customFieldNameSchema, type FieldMapping } from '../../model/import-options.js';

/**
 * The CSV exports an upload may be, recognized from the header row. Column names are compared
 * by their letters and digits only, in lower case (`FIRST_NAME`, `first_name` and `First Name`
 * are one column), because dashboards and spreadsheets rename them that way.
 */
export const UPLOAD_FORMATS = [
  'resend_contacts',
  'resend_suppressions',
  'sendgrid_contacts',
  'sendgrid_suppressions',
  'mailgun_suppressions',
  'postmark_suppressions',
  'generic_contacts',
] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];
export type UploadContent = 'contacts' | 'suppressions';

/** What a SendGrid or Mailgun suppression file holds, when its columns do not say. */
export const SUPPRESSION_TYPES = ['bounce', 'block', 'spam_report', 'invalid_email', 'unsubscribe', 'complaint'] as const;

/** A name a customer gives (a column, a file name): stored, so no control characters (PostgreSQL refuses NUL). */
export const givenName = (max: number) => z.string().min(1).max(max).regex(/^[^\p{Cc}]*$/u, 'must not hold control characters');

/** A custom field of ours that a column of a generic CSV fills, created by the import (the account has no property for it). */
export const uploadedFieldSchema = z.object({ field: customFieldNameSchema, type: z.enum(CUSTOM_FIELD_TYPES) }).strict();
export type UploadedField = z.infer<typeof uploadedFieldSchema>;

/** The column mapping of a generic contacts CSV: header names as the file spells them. */
export const genericMappingSchema = z
  .object({
    email: givenName(200),
    first_name: givenName(200).optional(),
    last_name: givenName(200).optional(),
    unsubscribed: givenName(200).optional(),
    /** Column → the account's property key (as the scan lists it under custom fields), or a new field with its type. */
    properties: z.record(givenName(200), z.union([givenName(200), uploadedFieldSchema])).optional(),
  })
  .strict();
export type GenericMapping = z.infer<typeof genericMappingSchema>;

/**
 * Values of a field an upload declares are kept under this key, which no account property has
 * (its `sourceFieldId` is the same), so they never mix with the account's own properties.
 */
const UPLOADED_FIELD = 'upload:';
const uploadedFieldKey = (field: string) => `${UPLOADED_FIELD}${field.toLowerCase()}`;
export const isUploadedField = (m: FieldMapping) => m.sourceFieldId.startsWith(UPLOADED_FIELD);

/** The custom fields an upload's mapping declares, as the import maps them. */
export function uploadedFields(request: UploadRequest): FieldMapping[] {
  return Object.values(request.mapping?.properties ?? {}).flatMap((target) =>
    typeof target === 'string' ? [] : [{ sourceFieldId: uploadedFieldKey(target.field), sourceKey: uploadedFieldKey(target.field), fieldName: target.field, fieldType: target.type }],
  );
}

/** What an upload was created with; stored as `migration_uploads.request` and parsed on read. */
export const uploadRequestSchema = z
  .object({
    format: z.enum(UPLOAD_FORMATS).optional(),
    mapping: genericMappingSchema.optional(),
    type: z.enum(SUPPRESSION_TYPES).optional(),
  })
  .strict();
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/** One record of a contacts upload, as `upload_rows.data` keeps it. */
export const uploadedContactSchema = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  unsubscribed: z.boolean().nullable(),
  properties: z.record(z.string(), z.string()),
});
export type UploadedContact = z.infer<typeof uploadedContactSchema>;

/** One record of a suppressions upload; `group` is the source's id of a suppression group (topic, tag, stream). */
export const uploadedSuppressionSchema = z.object({
  emailOriginal: z.string(),
  reason: z.enum(['unsubscribe', 'bounce', 'spam_complaint', 'invalid', 'block', 'manual']),
  createdAt: z.string().nullable(),
  group: z.string().nullable(),
});
export type UploadedSuppression = z.infer<typeof uploadedSuppressionSchema>;

/** What a column is used for, as the upload's answer lists it. */
export type ColumnUse = 'email' | 'first_name' | 'last_name' | 'unsubscribed' | 'property' | 'reason' | 'created_at' | 'group' | 'ignored';
export interface UploadColumn {
  name: string;
  use: ColumnUse;
}

export type ParsedRow =
  | { email: string; contact: UploadedContact }
  | { email: string; suppression: UploadedSuppression }
  | { problem: string };

/** How the rows of one recognized file are read. */
export interface RowPlan {
  format: UploadFormat;
  content: UploadContent;
  columns: UploadColumn[];
  /** One CSV row → records (a Mailgun unsubscribe tagged twice is two), or the row's problem. */
  read(fields: string[]): ParsedRow[];
}

/** A header that is no recognized export, or a mapping naming a column the file lacks. */
export class UnrecognizedHeader extends Error {}

export const normalizeColumn = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const FORMAT_SOURCES: Record<UploadFormat, KnownSource[]> = {
  resend_contacts: ['resend'],
  resend_suppressions: ['resend'],
  sendgrid_contacts: ['sendgrid'],
  sendgrid_suppressions: ['sendgrid'],
  mailgun_suppressions: ['mailgun'],
  postmark_suppressions: ['postmark'],
  // Postmark has no contacts to merge a contacts file into.
  generic_contacts: ['resend', 'sendgrid', 'mailgun'],
};

const subsetOf = (names: Set<string>, allowed: string[]) => [...names].every((n) => allowed.includes(n));

/** Which format the header is, by the columns it has; the job's source decides between look-alikes. */
const DETECT: [UploadFormat, (cols: Set<string>) => boolean][] = [
  ['sendgrid_contacts', (c) => c.has('email') && c.has('contactid')],
  ['resend_contacts', (c) => c.has('email') && (c.has('unsubscribed') || c.has('firstname') || c.has('lastname'))],
  ['resend_suppressions', (c) => c.has('email') && subsetOf(c, ['id', 'email', 'reason', 'origin', 'source', 'type', 'createdat', 'created'])],
  ['sendgrid_suppressions', (c) => c.has('email') && subsetOf(c, ['email', 'created', 'createdat', 'reason', 'status', 'ip', 'groupid', 'groupname', 'group'])],
  ['mailgun_suppressions', (c) => c.has('address') && subsetOf(c, ['address', 'code', 'error', 'createdat', 'tags', 'tag'])],
  ['postmark_suppressions', (c) => (c.has('emailaddress') || c.has('email')) && (c.has('suppressionreason') || c.has('origin')) && subsetOf(c, ['emailaddress', 'email', 'suppressionreason', 'reason', 'origin', 'createdat', 'messagestream', 'stream', 'streamid'])],
];

export function formatsFor(source: KnownSource): UploadFormat[] {
  return UPLOAD_FORMATS.filter((f) => FORMAT_SOURCES[f].includes(source));
}

/**
 * The plan for a file with this header row, uploaded into a migration from `source`; throws
 * UnrecognizedHeader saying why when there is none.
 */
export function planFor(header: string[], source: KnownSource, request: UploadRequest): RowPlan {
  const names = header.map((h) => h.trim());
  const cols = new Set(names.map(normalizeColumn));
  const allowed = formatsFor(source);
  const format = request.format ?? (request.mapping ? 'generic_contacts' : DETECT.find(([f, test]) => allowed.includes(f) && test(cols))?.[0]);
  if (!format) {
    throw new UnrecognizedHeader(
      `line 1: the header (${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}) is not an export this ${source} migration recognizes ` +
        `(${allowed.join(', ')}); for any other contacts CSV send format=generic_contacts with a column mapping`,
    );
  }
  if (!allowed.includes(format)) throw new UnrecognizedHeader(`a ${format} file cannot join a ${source} migration (it takes ${allowed.join(', ')})`);
  const index = (name: string) => names.findIndex((n) => normalizeColumn(n) === normalizeColumn(name));
  switch (format) {
    case 'generic_contacts':
      if (!request.mapping) throw new UnrecognizedHeader('format generic_contacts needs a column mapping (mapping.email at least)');
      return contactPlan(format, names, genericRoles(names, request.mapping, index));
    case 'resend_contacts':
    case 'sendgrid_contacts':
      return contactPlan(format, names, exportRoles(names, format));
    default:
      return suppressionPlan(format, names, cols, request.type);
  }
}

type Role = { use: ColumnUse; key?: string };

function genericRoles(names: string[], mapping: GenericMapping, index: (name: string) => number): Role[] {
  const roles: Role[] = names.map(() => ({ use: 'ignored' }));
  const assign = (column: string, role: Role) => {
    const at = index(column);
    if (at < 0) throw new UnrecognizedHeader(`line 1: the mapping names the column “${column}”, which the header does not have`);
    roles[at] = role;
  };
  assign(mapping.email, { use: 'email' });
  if (mapping.first_name) assign(mapping.first_name, { use: 'first_name' });
  if (mapping.last_name) assign(mapping.last_name, { use: 'last_name' });
  if (mapping.unsubscribed) assign(mapping.unsubscribed, { use: 'unsubscribed' });
  for (const [column, target] of Object.entries(mapping.properties ?? {})) {
    assign(column, { use: 'property', key: typeof target === 'string' ? target : uploadedFieldKey(target.field) });
  }
  return roles;
}

/** Columns every export has that are not properties: identity, dates, and lists (the account decides membership). */
const NOT_PROPERTIES: Record<'resend_contacts' | 'sendgrid_contacts', string[]> = {
  resend_contacts: ['id', 'contactid', 'createdat', 'updatedat', 'segments', 'segment', 'topics', 'topic', 'audiences', 'audienceid', 'audience'],
  sendgrid_contacts: [
    'contactid', 'createdat', 'updatedat', 'alternateemails', 'addressline1', 'addressline2', 'city', 'stateprovinceregion', 'postalcode',
    'country', 'phonenumber', 'phonenumberid', 'whatsapp', 'line', 'facebook', 'uniquename', 'externalid', 'anonymousid', 'listids', 'segmentids',
  ],
};

function exportRoles(names: string[], format: 'resend_contacts' | 'sendgrid_contacts'): Role[] {
  return names.map((name): Role => {
    const n = normalizeColumn(name);
    if (n === 'email') return { use: 'email' };
    if (n === 'firstname') return { use: 'first_name' };
    if (n === 'lastname') return { use: 'last_name' };
    if (n === 'unsubscribed') return { use: 'unsubscribed' };
    if (NOT_PROPERTIES[format].includes(n) || !name) return { use: 'ignored' };
    return { use: 'property', key: name };
  });
}

const TRUE = /^(true|yes|y|1|unsubscribed)$/i;
const FALSE = /^(false|no|n|0|subscribed)?$/i;

function contactPlan(format: UploadFormat, names: string[], roles: Role[]): RowPlan {
  const at = (use: ColumnUse) => roles.findIndex((r) => r.use === use);
  const email = at('email');
  if (email < 0) throw new UnrecognizedHeader('line 1: no email column');
  const first = at('first_name');
  const last = at('last_name');
  const unsub = at('unsubscribed');
  const properties = roles.flatMap((r, i) => (r.use === 'property' ? [[i, r.key!] as const] : []));
  const text = (fields: string[], i: number) => (i < 0 ? null : fields[i]?.trim() || null);
  return {
    format,
    content: 'contacts',
    columns: names.map((name, i) => ({ name, use: roles[i]!.use })),
    read(fields) {
      const raw = fields[email]?.trim() ?? '';
      let unsubscribed: boolean | null = null;
      if (unsub >= 0) {
        const value = fields[unsub]?.trim() ?? '';
        if (TRUE.test(value)) unsubscribed = true;
        else if (FALSE.test(value)) unsubscribed = value ? false : null;
        else return [{ problem: `${names[unsub]} is “${value.slice(0, 40)}”, not true or false` }];
      }
      const values: Record<string, string> = {};
      for (const [i, key] of properties) {
        const value = fields[i];
        if (value !== undefined && value !== '') values[key] = value;
      }
      return [{ email: raw, contact: { firstName: text(fields, first), lastName: text(fields, last), unsubscribed, properties: values } }];
    },
  };
}

/** A provider's reason text onto ours. */
function reasonOf(text: string, fallback: SuppressionReason): SuppressionReason {
  const t = text.toLowerCase();
  if (/bounce/.test(t)) return 'bounce';
  if (/complain|spam/.test(t)) return 'spam_complaint';
  if (/unsub|manualsuppression|opt.?out/.test(t)) return 'unsubscribe';
  if (/block/.test(t)) return 'block';
  if (/invalid/.test(t)) return 'invalid';
  return t ? 'manual' : fallback;
}

const TYPE_REASON: Record<(typeof SUPPRESSION_TYPES)[number], SuppressionReason> = {
  bounce: 'bounce',
  block: 'block',
  spam_report: 'spam_complaint',
  complaint: 'spam_complaint',
  invalid_email: 'invalid',
  unsubscribe: 'unsubscribe',
};

/** Mailgun: an unsubscribe tagged `*` (or not at all) is from everything. */
const MAILGUN_ALL_TAGS = '*';

function suppressionPlan(format: UploadFormat, names: string[], cols: Set<string>, type: UploadRequest['type']): RowPlan {
  // The first candidate the header has wins (Postmark's SuppressionReason over its Origin).
  const normalized = names.map(normalizeColumn);
  const find = (...candidates: string[]) => candidates.map((c) => normalized.indexOf(c)).find((i) => i >= 0) ?? -1;
  const email = find('email', 'emailaddress', 'address');
  const reasonColumn = find('suppressionreason', 'reason', 'origin', 'type');
  const created = find('createdat', 'created');
  const group = find('messagestream', 'stream', 'streamid', 'groupid', 'group');
  const tags = find('tags', 'tag');
  // What the file is when no column says: SendGrid's and Mailgun's exports are one type each.
  let fixed: SuppressionReason | null = type ? TYPE_REASON[type] : null;
  if (!fixed && format === 'sendgrid_suppressions') {
    fixed = cols.has('ip') ? 'spam_complaint' : cols.has('status') ? 'bounce' : cols.has('reason') ? 'invalid' : 'unsubscribe';
  }
  if (!fixed && format === 'mailgun_suppressions') fixed = cols.has('code') || cols.has('error') ? 'bounce' : tags >= 0 ? 'unsubscribe' : 'spam_complaint';
  const uses = new Map<number, ColumnUse>([[email, 'email'], [created, 'created_at'], [group, 'group'], [tags, 'group']]);
  if (!fixed) uses.set(reasonColumn, 'reason');
  return {
    format,
    content: 'suppressions',
    columns: names.map((name, i) => ({ name, use: uses.get(i) ?? 'ignored' })),
    read(fields) {
      const raw = fields[email]?.trim() ?? '';
      const reason = fixed ?? reasonOf(fields[reasonColumn] ?? '', 'manual');
      const when = created >= 0 ? fields[created]?.trim() : '';
      const at = when ? new Date(/^\d+$/.test(when) ? Number(when) * 1000 : when) : null;
      const createdAt = at && !Number.isNaN(at.getTime()) && at.getUTCFullYear() > 1970 && at.getUTCFullYear() < 10_000 ? at.toISOString() : null;
      const base = { emailOriginal: raw, reason, createdAt };
      if (tags >= 0) {
        const list = (fields[tags] ?? '').split(/[\s,;]+/).filter(Boolean);
        if (!list.length || list.includes(MAILGUN_ALL_TAGS)) return [{ email: raw, suppression: { ...base, group: null } }];
        return list.map((tag) => ({ email: raw, suppression: { ...base, group: `tag:${tag}` } }));
      }
      return [{ email: raw, suppression: { ...base, group: group >= 0 ? fields[group]?.trim() || null : null } }];
    },
  };
}
