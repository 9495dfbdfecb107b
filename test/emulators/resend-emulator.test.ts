import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateResendAccount, resendTruth } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { parsePgTimestamp } from '../../emulators/resend/timestamps.js';
import { fullKey, get, rawGet, sendingKey, walk } from './resend-helpers.js';

const LIMIT_MESSAGE = 'The pagination limit must be a number between 1 and 100. See https://resend.com/docs/pagination for more information.';
const NO_ENDPOINT = { statusCode: 404, message: 'The requested endpoint does not exist.', name: 'not_found' };

describe('Resend emulator: auth and errors', () => {
  let em: ResendEmulator;
  beforeAll(async () => { em = await startResendEmulator({ account: generateResendAccount({ seed: 3, contacts: 20 }), rateLimit: 1000 }); });
  afterAll(() => em.close());

  it('answers 401 missing_api_key without Authorization, in the flat JSON shape', async () => {
    const res = await get(em, '/domains', null);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ statusCode: 401, message: 'Missing API key in the authorization header.', name: 'missing_api_key' });
  });

  it('answers 403 invalid_api_key for an unknown token', async () => {
    const res = await get(em, '/domains', 're_unknown_123');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, message: 'API key is invalid.', name: 'invalid_api_key' });
  });

  it('answers 401 restricted_api_key to a sending_access key on read endpoints', async () => {
    for (const path of ['/domains', '/contacts', '/api-keys']) {
      const res = await get(em, path, sendingKey(em));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, message: 'This API key is restricted to only send emails.', name: 'restricted_api_key' });
    }
  });

  it('blocks a request without User-Agent with 403 (Cloudflare error 1010)', async () => {
    const res = await rawGet(`${em.url}/domains`, { authorization: `Bearer ${fullKey(em)}` });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 403, name: 'forbidden' });
    expect(JSON.parse(res.body).message).toContain('1010');
  });

  it('answers unknown paths and unknown ids with 404 not_found', async () => {
    expect((await get(em, '/nothing-here')).body).toEqual(NO_ENDPOINT);
    expect((await get(em, '/contacts/a/b/c')).body).toEqual(NO_ENDPOINT);
    const cases: Array<[string, string]> = [
      ['/contacts/00000000-0000-4000-8000-000000000000', 'Contact not found'],
      ['/contacts/nobody%40example.com', 'Contact not found'],
      ['/segments/00000000-0000-4000-8000-000000000000', 'Audience not found'],
      ['/audiences/00000000-0000-4000-8000-000000000000', 'Audience not found'],
      ['/domains/nope', 'Domain not found'],
      ['/templates/nope', 'Template not found'],
      ['/topics/nope', 'Topic not found'],
      ['/suppressions/nope', 'Suppression not found'],
    ];
    for (const [path, message] of cases) {
      const res = await get(em, path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, message, name: 'not_found' });
    }
  });
});

describe('Resend emulator: pagination', () => {
  let em: ResendEmulator;
  beforeAll(async () => {
    const account = generateResendAccount({ seed: 11, contacts: 130, lists: 3, domains: 25, templates: 26, topics: 23, properties: 22, suppressions: 27 });
    em = await startResendEmulator({ account, rateLimit: 100_000 });
  });
  afterAll(() => em.close());

  it('returns everything without limit on "optional" endpoints, newest first', async () => {
    for (const [path, count] of [['/contacts', 130], ['/domains', 25], ['/api-keys', 2], ['/segments', 3], ['/audiences', 3]] as const) {
      const res = await get(em, path);
      expect(res.body.object).toBe('list');
      expect(res.body.has_more, path).toBe(false);
      expect(res.body.data, path).toHaveLength(count);
      const times = res.body.data.map((d: { created_at: string }) => parsePgTimestamp(d.created_at));
      expect(times, path).toEqual([...times].sort((a, b) => b - a));
    }
  });

  it('defaults to 20 items on "required" endpoints', async () => {
    const contactId = em.account.contacts[0]!.id;
    for (const path of ['/templates', '/topics', '/contact-properties', '/suppressions', `/contacts/${contactId}/topics`]) {
      const res = await get(em, path);
      expect(res.body.data, path).toHaveLength(20);
      expect(res.body.has_more, path).toBe(true);
    }
  });

  it('rejects limits outside 1–100 with 422 validation_error', async () => {
    for (const limit of ['0', '101', '-1', 'abc', '1.5', '']) {
      const res = await get(em, `/contacts?limit=${limit}`);
      expect(res.status, limit).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, message: LIMIT_MESSAGE, name: 'validation_error' });
    }
    expect((await get(em, '/contacts?limit=1')).body.data).toHaveLength(1);
    expect((await get(em, '/contacts?limit=100')).body.data).toHaveLength(100);
  });

  it('rejects both cursors and unknown cursors with 422 validation_error', async () => {
    const [a, b] = em.account.contacts;
    const both = await get(em, `/contacts?after=${a!.id}&before=${b!.id}`);
    expect(both.status).toBe(422);
    expect(both.body.name).toBe('validation_error');
    for (const q of ['after=00000000-0000-4000-8000-000000000000', 'before=nope', `after=${em.account.domains[0]!.id}`]) {
      const res = await get(em, `/contacts?limit=5&${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.name).toBe('validation_error');
    }
  });

  it('walks every item exactly once with after, excluding the cursor', async () => {
    const all = (await get(em, '/contacts')).body.data.map((d: { id: string }) => d.id);
    expect(await walk(em, '/contacts', 7)).toEqual(all);
    expect(await walk(em, '/templates', 5)).toHaveLength(26);
    expect(new Set(await walk(em, '/suppressions', 100)).size).toBe(27);
    const page = await get(em, `/contacts?limit=3&after=${all[10]}`);
    expect(page.body.data.map((d: { id: string }) => d.id)).toEqual(all.slice(11, 14));
  });

  it('pages backwards with before and reports has_more toward newer items', async () => {
    const all = (await get(em, '/contacts')).body.data.map((d: { id: string }) => d.id);
    const back = await get(em, `/contacts?limit=5&before=${all[12]}`);
    expect(back.body.data.map((d: { id: string }) => d.id)).toEqual(all.slice(7, 12));
    expect(back.body.has_more).toBe(true);
    const first = await get(em, `/contacts?limit=5&before=${all[5]}`);
    expect(first.body.data.map((d: { id: string }) => d.id)).toEqual(all.slice(0, 5));
    expect(first.body.has_more).toBe(false);
    expect((await get(em, `/contacts?limit=5&after=${all.at(-1)}`)).body).toEqual({ object: 'list', has_more: false, data: [] });
  });

  it('lists segment members identically through /segments/{id}/contacts and /contacts?segment_id=', async () => {
    const truth = resendTruth(em.account);
    for (const segment of em.account.lists) {
      const viaSegment = await walk(em, `/segments/${segment.id}/contacts`, 9);
      expect(await walk(em, `/contacts?segment_id=${segment.id}`, 9)).toEqual(viaSegment);
      const emails = (await get(em, `/audiences/${segment.id}/contacts`)).body.data.map((c: { email: string }) => c.email.toLowerCase());
      expect(emails).toHaveLength(viaSegment.length);
      expect(new Set(emails.filter((e: string) => truth.contactEmails.includes(e)))).toEqual(new Set(truth.listMembers[segment.id]));
    }
  });
});

describe('Resend emulator: resources and id_or_email lookups', () => {
  let em: ResendEmulator;
  beforeAll(async () => { em = await startResendEmulator({ account: generateResendAccount({ seed: 5, contacts: 300, unicodeShare: 0.3, nullNameShare: 0.3 }), rateLimit: 100_000 }); });
  afterAll(() => em.close());

  it('serves a contact by id or by email in any case, with properties as {key:{value,type}}', async () => {
    const contact = em.account.contacts.find((c) => Object.keys(c.properties).length > 0)!;
    const byId = await get(em, `/contacts/${contact.id}`);
    expect(byId.body).toMatchObject({ object: 'contact', id: contact.id, email: contact.email, unsubscribed: contact.unsubscribed });
    for (const [key, value] of Object.entries(contact.properties)) {
      const type = em.account.contactProperties.find((p) => p.key === key)!.type;
      expect(byId.body.properties[key]).toEqual({ value, type });
    }
    const byEmail = await get(em, `/contacts/${encodeURIComponent(contact.email.toUpperCase())}`);
    expect(byEmail.body).toEqual(byId.body);
    const unicode = em.account.contacts.find((c) => /[^\x00-\x7f]/.test(c.email))!;
    expect((await get(em, `/contacts/${encodeURIComponent(unicode.email)}`)).body.id).toBe(unicode.id);
  });

  it('lists contacts without properties and with null names as null', async () => {
    const list = (await get(em, '/contacts')).body.data as Array<Record<string, unknown>>;
    expect(list.every((c) => !('properties' in c))).toBe(true);
    expect(Object.keys(list[0]!).sort()).toEqual(['created_at', 'email', 'first_name', 'id', 'last_name', 'unsubscribed']);
    expect(list.some((c) => c.first_name === null)).toBe(true);
  });

  it('lists a contact\'s segments and every topic with its effective subscription', async () => {
    const contact = em.account.contacts.find((c) => Object.keys(c.topics).length > 0 && c.segmentIds.length > 0)!;
    const segments = await get(em, `/contacts/${encodeURIComponent(contact.email)}/segments`);
    expect(segments.body.data.map((s: { id: string }) => s.id).sort()).toEqual([...contact.segmentIds].sort());
    const topics = await get(em, `/contacts/${contact.id}/topics?limit=100`);
    expect(topics.body.data).toHaveLength(em.account.topics.length);
    for (const t of topics.body.data) {
      const topic = em.account.topics.find((x) => x.id === t.id)!;
      expect(t.subscription).toBe(contact.topics[t.id] ?? topic.default_subscription);
    }
  });

  it('serves templates by id or alias, lists them without html/text/variables', async () => {
    const list = await get(em, '/templates?limit=100');
    expect(list.body.data.every((t: object) => !('html' in t) && !('variables' in t) && !('text' in t))).toBe(true);
    const withAlias = em.account.templates.find((t) => t.alias)!;
    const byAlias = await get(em, `/templates/${withAlias.alias}`);
    expect(byAlias.body).toMatchObject({ object: 'template', id: withAlias.id, html: withAlias.html });
    expect(byAlias.body.variables).toHaveLength(withAlias.variables.length);
    expect((await get(em, `/templates/${withAlias.id}`)).body).toEqual(byAlias.body);
  });

  it('serves domains with records, API keys without permission or token, suppressions by email and origin', async () => {
    const domain = em.account.domains[0]!;
    const d = await get(em, `/domains/${domain.id}`);
    expect(d.body).toMatchObject({ object: 'domain', id: domain.id, name: domain.name });
    expect(d.body.records.length).toBe(domain.records.length);
    const keys = (await get(em, '/api-keys')).body.data;
    expect(keys.every((k: object) => Object.keys(k).sort().join() === 'created_at,id,last_used_at,name')).toBe(true);
    const s = em.account.suppressions[0]!;
    expect((await get(em, `/suppressions/${encodeURIComponent(s.email.toUpperCase())}`)).body).toMatchObject({ object: 'suppression', id: s.id });
    const bounces = await get(em, '/suppressions?origin=bounce&limit=100');
    expect(bounces.body.data.length).toBe(em.account.suppressions.filter((x) => x.origin === 'bounce').length);
    expect((await get(em, '/suppressions?origin=spam')).status).toBe(422);
  });
});

describe('Resend emulator: account ages', () => {
  it("answers 404 'endpoint does not exist' for new endpoints on an old account", async () => {
    const account = generateResendAccount({ seed: 8, age: 'old', contacts: 60, lists: 3 });
    const em = await startResendEmulator({ account, rateLimit: 10_000 });
    try {
      for (const path of ['/segments', '/contacts', '/contacts/x', '/topics', '/templates', '/contact-properties', '/suppressions', `/segments/${account.lists[0]!.id}/contacts`]) {
        expect((await get(em, path)).body, path).toEqual(NO_ENDPOINT);
      }
      expect((await get(em, '/audiences')).body.data).toHaveLength(3);
      const record = account.audienceContacts.find((a) => /[A-Z]/.test(a.email)) ?? account.audienceContacts[0]!;
      const found = await get(em, `/audiences/${record.audience_id}/contacts/${encodeURIComponent(record.email.toLowerCase())}`);
      expect(found.body).toMatchObject({ object: 'contact', id: record.id });
      expect((await get(em, `/audiences/${record.audience_id}/contacts/${record.id}`)).body.id).toBe(record.id);
      const members = await walk(em, `/audiences/${record.audience_id}/contacts`, 10);
      expect(members.length).toBe(account.audienceContacts.filter((a) => a.audience_id === record.audience_id).length);
    } finally {
      await em.close();
    }
  });

  it('keeps legacy audiences out of /segments in a mixed account, sharing one id space', async () => {
    const account = generateResendAccount({ seed: 9, age: 'mixed', contacts: 80, lists: 4 });
    const em = await startResendEmulator({ account, rateLimit: 10_000 });
    try {
      const legacy = account.lists.find((l) => l.legacy)!;
      const segment = account.lists.find((l) => !l.legacy)!;
      expect((await get(em, '/audiences')).body.data).toHaveLength(4);
      expect((await get(em, '/segments')).body.data.map((s: { id: string }) => s.id)).not.toContain(legacy.id);
      expect((await get(em, `/segments/${legacy.id}`)).body.message).toBe('Audience not found');
      expect((await get(em, `/audiences/${segment.id}`)).body).toMatchObject({ object: 'audience', id: segment.id });
      // A global contact also stored, in another case, inside a legacy audience.
      const twin = account.audienceContacts.find((a) => account.contacts.some((c) => c.email !== a.email && c.email.toLowerCase() === a.email.toLowerCase()))!;
      expect((await get(em, `/contacts/${encodeURIComponent(twin.email)}`)).body.email).toBe(twin.email.toLowerCase());
    } finally {
      await em.close();
    }
  });
});
