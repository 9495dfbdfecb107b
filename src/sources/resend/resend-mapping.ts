import { normalizeEmail } from '../shared/email.js';
import { storableDate } from '../shared/dates.js';
import type { z } from 'zod';
import type {
  PropertyValue,
  SourceContact,
  SourceDomain,
  SourceList,
  SourceSuppression,
  SourceTemplate,
  SuppressionReason,
} from '../source-types.js';
import { scalarValue, type WireContact, type WireDomain, type WireList, type wireContactDetail, type wireSuppression, type wireTemplate } from './resend-wire.js';

/**
 * Resend timestamps are Postgres text (`2025-11-30 20:41:40.84216+00`), sometimes ISO; both
 * become a Date, anything else null.
 */
export function parseResendTimestamp(value: string | null | undefined): Date | null {
  if (!value) return null;
  const iso = value
    .trim()
    .replace(' ', 'T')
    .replace(/([+-]\d\d)$/, '$1:00');
  return storableDate(new Date(iso));
}

export function mapDomain(d: WireDomain): SourceDomain {
  return {
    sourceId: d.id,
    name: d.name.trim().toLowerCase(),
    status: d.status ?? 'unknown',
    region: d.region ?? null,
    createdAt: parseResendTimestamp(d.created_at),
    records: d.records.map((r) => ({
      record: r.record ?? '',
      name: r.name ?? '',
      type: r.type ?? '',
      value: r.value ?? '',
      ttl: r.ttl ?? null,
      priority: r.priority ?? null,
      status: r.status ?? null,
    })),
  };
}

export function mapList(l: WireList, kind: SourceList['kind']): SourceList {
  return { sourceId: l.id, name: cleanName(l.name) ?? l.id, kind, createdAt: parseResendTimestamp(l.created_at) };
}

/** Names: empty strings become null, surrounding space is dropped. */
function cleanName(name: string | null | undefined): string | null {
  const trimmed = name?.trim();
  return trimmed ? trimmed : null;
}

export function mapContact(c: WireContact): SourceContact {
  return {
    sourceId: c.id,
    email: normalizeEmail(c.email),
    emailOriginal: c.email,
    firstName: cleanName(c.first_name),
    lastName: cleanName(c.last_name),
    unsubscribed: c.unsubscribed ?? false,
    createdAt: parseResendTimestamp(c.created_at),
  };
}

export function mapTemplate(t: z.infer<typeof wireTemplate>): SourceTemplate {
  return {
    sourceId: t.id,
    // The spec makes every field optional: a nameless template is named by its alias or id.
    name: cleanName(t.name) ?? cleanName(t.alias) ?? t.id,
    alias: t.alias ?? null,
    status: t.status === 'published' ? 'published' : 'draft',
    subject: t.subject ?? null,
    from: t.from ?? null,
    replyTo: t.reply_to,
    html: t.html ?? '',
    text: t.text ?? null,
    variables: t.variables.map((v) => ({ key: v.key, type: v.type ?? 'string', fallback: v.fallback_value })),
    hasUnpublishedVersions: t.has_unpublished_versions ?? false,
    testData: null,
  };
}

const SUPPRESSION_REASONS: Record<string, SuppressionReason> = {
  bounce: 'bounce',
  complaint: 'spam_complaint',
  manual: 'manual',
};

export function mapSuppression(s: z.infer<typeof wireSuppression>): SourceSuppression {
  return {
    email: normalizeEmail(s.email),
    emailOriginal: s.email,
    reason: SUPPRESSION_REASONS[s.origin ?? ''] ?? 'manual',
    createdAt: parseResendTimestamp(s.created_at),
  };
}

/** `{ key: { value, type } }` (or plain values, in older responses) → `{ key: value }`. */
export function mapProperties(raw: z.infer<typeof wireContactDetail>['properties']): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const [key, entry] of Object.entries(raw ?? {})) {
    const value = entry !== null && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry ? entry.value : entry;
    out[key] = scalarValue.parse(value);
  }
  return out;
}
