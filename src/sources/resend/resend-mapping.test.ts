import { describe, expect, it } from 'vitest';
import { mapContact, mapDomain, mapProperties, mapSuppression, mapTemplate, parseResendTimestamp } from './resend-mapping.js';
import { wireContactDetail, wireDomain, wireTemplate } from './resend-wire.js';

// Shapes as recorded from the real API (resend-node HAR recordings; see shared/providers/resend.md).
const recordedContact = {
  object: 'contact',
  id: 'e169aa45-1ecf-4183-9955-b1499d5701d3',
  email: '  Steve.Wozniak@Gmail.com ',
  first_name: null,
  last_name: 'Wozniak',
  created_at: '2025-11-30 20:41:40.84216+00',
  unsubscribed: false,
  properties: { company_name: { value: 'Acme Corp', type: 'string' }, seats: { value: 12, type: 'number' } },
};

describe('Resend mapping (pure)', () => {
  it('reads Postgres-text timestamps of any precision, and ISO ones', () => {
    expect(parseResendTimestamp('2025-11-30 20:41:40.84216+00')?.toISOString()).toBe('2025-11-30T20:41:40.842Z');
    expect(parseResendTimestamp('2024-01-08 09:00:00+00')?.toISOString()).toBe('2024-01-08T09:00:00.000Z');
    expect(parseResendTimestamp('2023-10-06T23:47:56.678Z')?.toISOString()).toBe('2023-10-06T23:47:56.678Z');
    expect(parseResendTimestamp('yesterday')).toBeNull();
    expect(parseResendTimestamp(null)).toBeNull();
  });

  it('normalizes the email for identity and keeps the original for display', () => {
    const contact = mapContact(wireContactDetail.parse(recordedContact));
    expect(contact).toMatchObject({
      email: 'steve.wozniak@gmail.com',
      emailOriginal: '  Steve.Wozniak@Gmail.com ',
      firstName: null,
      lastName: 'Wozniak',
      unsubscribed: false,
    });
  });

  it('flattens {key: {value, type}} properties, and tolerates plain values', () => {
    expect(mapProperties(wireContactDetail.parse(recordedContact).properties)).toEqual({ company_name: 'Acme Corp', seats: 12 });
    expect(mapProperties({ plan: 'pro', vip: true, none: null })).toEqual({ plan: 'pro', vip: true, none: null });
    expect(mapProperties(undefined)).toEqual({});
  });

  it('maps suppression origins onto our reasons', () => {
    const s = (origin: string) => mapSuppression({ id: 'x', email: 'A@B.co', origin, created_at: '2026-07-20 10:00:00+00' });
    expect(s('bounce').reason).toBe('bounce');
    expect(s('complaint').reason).toBe('spam_complaint');
    expect(s('manual')).toMatchObject({ reason: 'manual', email: 'a@b.co' });
  });

  it('maps a domain with its records, ttl as text', () => {
    const domain = mapDomain(
      wireDomain.parse({
        object: 'domain', id: 'd1', name: 'Acme.com', status: 'verified', region: 'eu-west-1', created_at: '2025-01-01 00:00:00+00',
        records: [{ record: 'SPF', name: 'send', type: 'MX', ttl: 'Auto', status: 'verified', value: 'feedback-smtp.eu-west-1.amazonses.com', priority: 10 }],
      }),
    );
    expect(domain).toMatchObject({ name: 'acme.com', region: 'eu-west-1', records: [{ record: 'SPF', ttl: 'Auto', priority: 10 }] });
  });

  it('maps a template with variables, reply_to as an array, missing text as null', () => {
    const t = mapTemplate(
      wireTemplate.parse({
        object: 'template', id: 't1', name: 'Welcome', alias: null, status: 'published', subject: 'Hi {{{FIRST_NAME|there}}}',
        from: 'Acme <hi@acme.com>', reply_to: 'help@acme.com', html: '<p>Hi</p>', has_unpublished_versions: true,
        variables: [{ id: 'v1', key: 'FIRST_NAME', type: 'string', fallback_value: 'there', created_at: 'x', updated_at: 'x' }],
      }),
    );
    expect(t).toMatchObject({ status: 'published', replyTo: ['help@acme.com'], text: null, hasUnpublishedVersions: true });
    expect(t.variables).toEqual([{ key: 'FIRST_NAME', type: 'string', fallback: 'there' }]);
  });
});
