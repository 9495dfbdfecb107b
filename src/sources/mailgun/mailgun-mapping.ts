import type { z } from 'zod';
import { normalizeEmail } from '../shared/email.js';
import { storableDate } from '../shared/dates.js';
import type { PropertyValue, SourceContact, SourceDnsRecord, SourceDomain, SourceList, SourceSuppression, SourceTemplate } from '../source-types.js';
import type { wireBounce, wireComplaint, wireDnsRecord, wireDomain, wireList, wireMember, wireTemplateDetail, wireUnsubscribe } from './mailgun-wire.js';

/** Mailgun's RFC-2822 dates (`Thu, 13 Oct 2011 18:02:00 +0000` or `… GMT`). */
export function rfc2822Date(text: string | null | undefined): Date | null {
  if (!text) return null;
  return storableDate(new Date(text));
}

/** What DNS record a Mailgun entry is, for people: SPF, DKIM, tracking CNAME, MX. */
function recordLabel(r: z.infer<typeof wireDnsRecord>): string {
  if (r.record_type === 'TXT' && /^v=spf1/i.test(r.value)) return 'SPF';
  if (r.record_type === 'TXT' && /_domainkey/i.test(r.name ?? '')) return 'DKIM';
  if (r.record_type === 'CNAME') return 'Tracking';
  return r.record_type;
}

export function mapDnsRecord(r: z.infer<typeof wireDnsRecord>): SourceDnsRecord {
  return { record: recordLabel(r), name: r.name ?? '', type: r.record_type, value: r.value, ttl: null, priority: r.priority ? Number(r.priority) || null : null, status: r.valid ?? null };
}

export function mapDomain(d: z.infer<typeof wireDomain>, region: string, records: SourceDnsRecord[]): SourceDomain {
  return { sourceId: d.name, name: d.name, status: d.state ?? 'unknown', region, createdAt: rfc2822Date(d.created_at), records };
}

/** A mailing list is known by its address; members opt out of it alone (`subscribed: false`). */
export function mapList(l: z.infer<typeof wireList>): SourceList & { contactCount: number | null } {
  return { sourceId: l.address, name: l.name?.trim() || l.address, kind: 'audience', createdAt: rfc2822Date(l.created_at), contactCount: l.members_count ?? null };
}

/** Member vars as custom field values: scalars as they are, anything else as its JSON text. */
export function varValues(vars: Record<string, unknown> | null | undefined): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(vars ?? {})) {
    out[key] = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
  }
  return out;
}

/** `name` is one text: its first word is the first name, the rest the last name. */
export function mapMember(m: z.infer<typeof wireMember>): SourceContact {
  const name = m.name?.trim() ?? '';
  const space = name.indexOf(' ');
  return {
    sourceId: normalizeEmail(m.address),
    email: normalizeEmail(m.address),
    emailOriginal: m.address,
    firstName: name ? (space < 0 ? name : name.slice(0, space)) : null,
    lastName: space < 0 ? null : name.slice(space + 1).trim() || null,
    unsubscribed: m.subscribed === false,
    createdAt: null,
    properties: varValues(m.vars),
  };
}

export function mapTemplate(id: string, name: string, t: z.infer<typeof wireTemplateDetail>['template']): SourceTemplate {
  const version = t.version ?? null;
  const header = (h: string) => {
    const value = Object.entries(version?.headers ?? {}).find(([k]) => k.toLowerCase() === h.toLowerCase())?.[1];
    return typeof value === 'string' && value.trim() ? value : null;
  };
  const replyTo = header('Reply-To');
  return {
    sourceId: id,
    name,
    alias: t.name,
    status: version ? 'published' : 'draft',
    subject: header('Subject'),
    from: header('From'),
    replyTo: replyTo ? replyTo.split(',').map((a) => a.trim()).filter(Boolean) : null,
    html: version?.template ?? '',
    text: null,
    variables: [],
    hasUnpublishedVersions: false,
    testData: null,
  };
}

type Suppressed = z.infer<typeof wireBounce> | z.infer<typeof wireComplaint> | z.infer<typeof wireUnsubscribe>;

export function mapSuppression(s: Suppressed, reason: SourceSuppression['reason']): SourceSuppression {
  return { email: normalizeEmail(s.address), emailOriginal: s.address, reason, createdAt: rfc2822Date(s.created_at) };
}
