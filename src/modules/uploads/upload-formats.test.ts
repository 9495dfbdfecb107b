import { describe, expect, it } from 'vitest';
import { planFor, UnrecognizedHeader } from './upload-formats.js';

const split = (line: string) => line.split(',');

describe('upload formats, from the header row', () => {
  it('tells look-alikes apart by the job’s source and the columns', () => {
    expect(planFor(split('id,email,first_name,last_name,unsubscribed,created_at,plan'), 'resend', {}).format).toBe('resend_contacts');
    expect(planFor(split('email,origin,created_at'), 'resend', {}).format).toBe('resend_suppressions');
    expect(planFor(split('"EMAIL","FIRST_NAME","LAST_NAME","ADDRESS_LINE_1","CONTACT_ID","company"'.replaceAll('"', '')), 'sendgrid', {}).format).toBe('sendgrid_contacts');
    expect(planFor(split('email,created,reason,status'), 'sendgrid', {}).format).toBe('sendgrid_suppressions');
    expect(planFor(split('address,code,error,created_at'), 'mailgun', {}).format).toBe('mailgun_suppressions');
    expect(planFor(['Email Address', 'Suppression Reason', 'Origin', 'Created At'], 'postmark', {}).format).toBe('postmark_suppressions');
  });

  it('refuses a header no format of the source has, and a format of another source', () => {
    expect(() => planFor(split('email,origin,created_at'), 'mailgun', {})).toThrow(UnrecognizedHeader);
    expect(() => planFor(split('name,phone'), 'resend', {})).toThrow(/line 1: the header \(name, phone\)/);
    expect(() => planFor(split('email,created'), 'resend', { format: 'sendgrid_suppressions' })).toThrow(/cannot join a resend migration/);
    expect(() => planFor(split('E-mail,First'), 'postmark', { mapping: { email: 'E-mail' } })).toThrow(/cannot join a postmark migration/);
  });

  it('reads a contacts export: properties are the columns that are not identity, dates or lists', () => {
    const plan = planFor(split('id,Email,First Name,last_name,Unsubscribed,created_at,plan,lifetime_value,segments'), 'resend', {});
    expect(plan.columns.filter((c) => c.use === 'property').map((c) => c.name)).toEqual(['plan', 'lifetime_value']);
    expect(plan.read(split('c1,Ann@Example.com,Ann,,TRUE,2026-01-01,pro,42,VIP;Leads'))).toEqual([
      { email: 'Ann@Example.com', contact: { firstName: 'Ann', lastName: null, unsubscribed: true, properties: { plan: 'pro', lifetime_value: '42' } } },
    ]);
    expect(plan.read(split('c2,bob@example.com,Bob,B,,2026-01-01,,,'))[0]).toMatchObject({ contact: { unsubscribed: null, properties: {} } });
    expect(plan.read(split('c3,cy@example.com,Cy,C,perhaps,,,,'))).toEqual([{ problem: 'Unsubscribed is “perhaps”, not true or false' }]);
  });

  it('reads a generic contacts CSV by its mapping, and says which mapped column is missing', () => {
    const plan = planFor(split('E-mail,First,Plan,Notes'), 'resend', { mapping: { email: 'e-mail', first_name: 'First', properties: { Plan: 'plan' } } });
    expect(plan.columns.map((c) => c.use)).toEqual(['email', 'first_name', 'property', 'ignored']);
    expect(plan.read(split('a@example.com,Ann,pro,x'))).toEqual([{ email: 'a@example.com', contact: { firstName: 'Ann', lastName: null, unsubscribed: null, properties: { plan: 'pro' } } }]);
    expect(() => planFor(split('E-mail,First'), 'resend', { mapping: { email: 'Mail' } })).toThrow(/the mapping names the column “Mail”/);
  });

  it('reads suppressions: reasons, dates (ISO, Unix seconds, RFC 2822), Mailgun tags and Postmark streams', () => {
    const resend = planFor(split('email,origin,created_at'), 'resend', {});
    expect(resend.read(split('a@example.com,complaint,2026-03-01T10:00:00Z'))).toEqual([
      { email: 'a@example.com', suppression: { emailOriginal: 'a@example.com', reason: 'spam_complaint', createdAt: '2026-03-01T10:00:00.000Z', group: null } },
    ]);
    const spam = planFor(split('email,created,ip'), 'sendgrid', {});
    expect(spam.read(split('s@example.com,1711929600,10.0.0.1'))[0]).toMatchObject({ suppression: { reason: 'spam_complaint', createdAt: '2024-04-01T00:00:00.000Z' } });
    expect(planFor(split('email,created'), 'sendgrid', {}).read(split('u@example.com,'))[0]).toMatchObject({ suppression: { reason: 'unsubscribe', createdAt: null } });
    expect(planFor(split('email,created,reason,status'), 'sendgrid', { type: 'block' }).read(split('b@example.com,,x,4.0.0'))[0]).toMatchObject({ suppression: { reason: 'block' } });

    const tags = planFor(split('address,tags,created_at'), 'mailgun', {});
    expect(tags.read(['t@example.com', 'news, promo', 'Sun, 01 Mar 2026 10:00:00 UTC']).map((r) => 'suppression' in r && r.suppression.group)).toEqual(['tag:news', 'tag:promo']);
    expect(tags.read(['t@example.com', '*', ''])).toMatchObject([{ suppression: { reason: 'unsubscribe', group: null } }]);
    expect(planFor(split('address,created_at'), 'mailgun', {}).read(split('c@example.com,'))[0]).toMatchObject({ suppression: { reason: 'spam_complaint' } });

    const postmark = planFor(split('EmailAddress,SuppressionReason,Origin,CreatedAt,MessageStream'), 'postmark', {});
    expect(postmark.read(split('p@example.com,ManualSuppression,Customer,not a date,broadcast'))).toEqual([
      { email: 'p@example.com', suppression: { emailOriginal: 'p@example.com', reason: 'unsubscribe', createdAt: null, group: 'broadcast' } },
    ]);
  });
});
