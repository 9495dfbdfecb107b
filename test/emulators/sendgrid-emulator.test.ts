import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSendGridAccount, sendgridTruth } from '../../emulators/sendgrid/generator.js';
import { SUPPRESSION_KINDS } from '../../emulators/sendgrid/model.js';
import { PIXEL_PNG, startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import { normalizeEmail } from '../../emulators/sendgrid/truth.js';
import { call, download, get, marketingKey, parseCsv, runExport, sendKey } from './sendgrid-helpers.js';

const account = generateSendGridAccount({ seed: 7, contacts: 230, lists: 4, customFields: 2, templates: 7, suppressions: 23, invalidShare: 0.05, unicodeShare: 0.3 });
const truth = sendgridTruth(account);
const sortedNormalized = (emails: string[]) => [...new Set(emails.map(normalizeEmail))].sort();
/** Valid exported emails: the truth counts only plausible addresses. */
const validOnly = (emails: string[]) => sortedNormalized(emails).filter((e) => !truth.invalidEmails.includes(e));

describe('SendGrid emulator: auth, scopes and rate limits', () => {
  let em: SendGridEmulator;
  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  beforeAll(async () => { em = await startSendGridEmulator({ account, rateLimit: { limit: 3, windowSeconds: 60 }, clock: () => now }); });
  afterAll(() => em.close());

  it('answers 401 without a key and with an unknown key, in the {errors:[…]} shape', async () => {
    const missing = await get(em, '/v3/marketing/field_definitions', null);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ errors: [{ field: null, message: 'authorization required' }] });
    const unknown = await get(em, '/v3/asm/groups', 'SG.nope.nope');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ errors: [{ field: null, message: 'The provided authorization grant is invalid, expired, or revoked', help: null }] });
  });

  it('reports the key scopes and answers 403 access forbidden when one is missing', async () => {
    expect((await get(em, '/v3/scopes', marketingKey(em))).body).toEqual({ scopes: ['marketing.read'] });
    expect((await get(em, '/v3/marketing/contacts/count', marketingKey(em))).status).toBe(200);
    for (const path of ['/v3/templates?page_size=10', '/v3/suppression/bounces']) {
      const res = await get(em, path, marketingKey(em));
      expect(res.status, path).toBe(403);
      expect(res.body).toEqual({ errors: [{ field: null, message: 'access forbidden' }] });
    }
    expect((await get(em, '/v3/marketing/lists', sendKey(em))).status).toBe(403);
  });

  it('counts per endpoint, sends X-RateLimit-* on every response, and 429s past the limit until reset', async () => {
    now = Date.UTC(2026, 0, 1, 13, 0, 10);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await get(em, '/v3/suppression/blocks?limit=1'));
    expect(seen.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(seen[3]!.status).toBe(429);
    expect(seen[3]!.body).toEqual({ errors: [{ field: null, message: 'too many requests' }] });
    expect(seen[0]!.headers.get('x-ratelimit-limit')).toBe('3');
    expect(Number(seen[0]!.headers.get('x-ratelimit-reset'))).toBe(Date.UTC(2026, 0, 1, 13, 1, 0) / 1000);
    // Another endpoint has its own bucket; the exhausted one refills at the reset time.
    expect((await get(em, '/v3/suppression/bounces?limit=1')).status).toBe(200);
    now = Date.UTC(2026, 0, 1, 13, 1, 0);
    expect((await get(em, '/v3/suppression/blocks?limit=1')).status).toBe(200);
    expect(em.stats.rateLimited).toBe(1);
  });
});

describe('SendGrid emulator: contacts and exports', () => {
  let em: SendGridEmulator;
  let now = Date.UTC(2026, 0, 1);
  beforeAll(async () => { em = await startSendGridEmulator({ account, rateLimit: { limit: 10_000, windowSeconds: 1 }, maxFileSizeContacts: 100, clock: () => now }); });
  afterAll(() => em.close());

  it('counts every contact but lists only the 50 most recent', async () => {
    expect((await get(em, '/v3/marketing/contacts/count')).body.contact_count).toBe(230);
    const recent = await get(em, '/v3/marketing/contacts?page_size=1000');
    expect(recent.body.result).toHaveLength(50);
    expect(recent.body.contact_count).toBe(230);
  });

  it('exports everything as split gzip CSV files matching the truth', async () => {
    const created = await call(em, '/v3/marketing/contacts/exports', { method: 'POST', body: {} });
    expect(created.status).toBe(202);
    const first = await get(em, `/v3/marketing/contacts/exports/${created.body.id}`);
    expect(first.body.status).toBe('pending');
    expect(first.body.urls).toBeUndefined();
    const job = (await get(em, `/v3/marketing/contacts/exports/${created.body.id}`)).body;
    expect(job).toMatchObject({ status: 'ready', contact_count: 230 });
    expect(job.urls).toHaveLength(3); // 100 + 100 + 30
    const rows = (await Promise.all(job.urls.map(download))).flatMap((text) => parseCsv(text as string));
    expect(rows).toHaveLength(230);
    expect(Object.keys(rows[0]!).slice(0, 3)).toEqual(['EMAIL', 'FIRST_NAME', 'LAST_NAME']);
    expect(Object.keys(rows[0]!)).toContain('CONTACT_ID');
    expect(validOnly(rows.map((r) => r.EMAIL!))).toEqual(truth.contactEmails);
    // Custom fields are columns named by field name.
    const withValue = Object.entries(truth.customValues)[0]!;
    const row = rows.find((r) => normalizeEmail(r.EMAIL!) === withValue[0])!;
    for (const [name, value] of Object.entries(withValue[1])) expect(row[name]).toBe(String(value));
  });

  it('exports one list as NDJSON with contact_id and custom fields keyed by name', async () => {
    const list = account.lists[1]!;
    const job = await runExport(em, { list_ids: [list.id], file_type: 'json' });
    const lines = (await Promise.all(job.urls.map(download))).join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.length).toBe(list.contact_ids.length);
    expect(lines[0]).toHaveProperty('contact_id');
    expect(lines[0]).not.toHaveProperty('id');
    expect(validOnly(lines.map((l) => l.email))).toEqual(truth.listMembers[list.id]);
    for (const l of lines) if (truth.customValues[l.email]) expect(l.custom_fields).toEqual(truth.customValues[l.email]);
  });

  it('refuses export files after expires_at, and rejects unknown lists', async () => {
    const job = await runExport(em, {});
    now = Date.parse(job.expires_at) + 1;
    const res = await fetch(job.urls[0]);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    now = Date.UTC(2026, 0, 1);
    const bad = await call(em, '/v3/marketing/contacts/exports', { method: 'POST', body: { list_ids: ['00000000-0000-4000-8000-000000000000'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('list_ids');
  });
});

describe('SendGrid emulator: lists, fields, templates and suppressions', () => {
  let em: SendGridEmulator;
  const big = generateSendGridAccount({ seed: 9, contacts: 60, lists: 7, templates: 5, legacyTemplates: 3, suppressions: 12 });
  beforeAll(async () => { em = await startSendGridEmulator({ account: big, rateLimit: { limit: 10_000, windowSeconds: 1 } }); });
  afterAll(() => em.close());

  it('pages lists with page_token and an absolute _metadata.next', async () => {
    const ids: string[] = [];
    let next: string | undefined = `${em.url}/v3/marketing/lists?page_size=3`;
    while (next) {
      const res = await get(em, next);
      ids.push(...res.body.result.map((l: { id: string }) => l.id));
      next = res.body._metadata.next;
    }
    expect(ids).toEqual(big.lists.map((l) => l.id));
    expect((await get(em, '/v3/marketing/lists?page_size=1001')).status).toBe(400);
    const one = await get(em, `/v3/marketing/lists/${big.lists[0]!.id}`);
    expect(one.body.contact_count).toBe(big.lists[0]!.contact_ids.length);
  });

  it('serves custom and reserved field definitions with account-specific ids', async () => {
    const body = (await get(em, '/v3/marketing/field_definitions')).body;
    expect(body.custom_fields).toEqual(big.customFields);
    expect(body.custom_fields.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining([expect.stringMatching(/^[a-z]\d+_[TND]$/)]));
    expect(body.reserved_fields.find((f: { name: string }) => f.name === 'contact_id')).toMatchObject({ read_only: true });
  });

  it('requires page_size on templates, defaults to legacy, and has one active version each', async () => {
    expect((await get(em, '/v3/templates')).status).toBe(400);
    const legacy = await get(em, '/v3/templates?page_size=200');
    expect(legacy.body.result.every((t: { generation: string }) => t.generation === 'legacy')).toBe(true);
    const ids: string[] = [];
    let next: string | undefined = `${em.url}/v3/templates?generations=dynamic&page_size=2`;
    while (next) {
      const res = await get(em, next);
      ids.push(...res.body.result.map((t: { id: string }) => t.id));
      next = res.body._metadata.next;
    }
    expect(ids).toHaveLength(5);
    const truthBig = sendgridTruth(big);
    for (const id of ids) {
      expect(id).toMatch(/^d-[0-9a-f]{32}$/);
      const t = (await get(em, `/v3/templates/${id}`)).body;
      const active = t.versions.filter((v: { active: number }) => v.active === 1);
      expect(active.map((v: { id: string }) => v.id)).toEqual([truthBig.activeVersions[id]]);
    }
  });

  it('serves template images on the CDN route', async () => {
    const image = big.images[0]!;
    const html = big.templates.flatMap((t) => t.versions).find((v) => v.html_content.includes(image.url));
    expect(html).toBeDefined();
    const res = await fetch(em.cdnUrl + image.path);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PIXEL_PNG);
    expect((await fetch(`${em.cdnUrl}/nope.png`)).status).toBe(404);
  });

  it('pages every suppression kind with limit/offset over bare arrays', async () => {
    const t = sendgridTruth(big);
    for (const kind of SUPPRESSION_KINDS) {
      const emails: string[] = [];
      for (let offset = 0; ; offset += 5) {
        const page = (await get(em, `/v3/suppression/${kind}?limit=5&offset=${offset}`)).body as Array<{ email: string; created: number }>;
        expect(page.every((s) => Number.isInteger(s.created) && s.created < 2e9)).toBe(true);
        emails.push(...page.map((s) => s.email));
        if (page.length < 5) break;
      }
      expect(sortedNormalized(emails), kind).toEqual(t.suppressed[kind]);
    }
    expect((await get(em, '/v3/suppression/bounces?limit=501')).status).toBe(400);
  });

  it('lists ASM groups and their members as plain string arrays', async () => {
    const groups = (await get(em, '/v3/asm/groups')).body;
    expect(groups).toHaveLength(big.groups.length);
    const t = sendgridTruth(big);
    for (const g of groups) {
      const members = (await get(em, `/v3/asm/groups/${g.id}/suppressions`)).body;
      expect(members.every((m: unknown) => typeof m === 'string')).toBe(true);
      expect(sortedNormalized(members)).toEqual(t.groupSuppressed[g.id]);
      expect(g.unsubscribes).toBe(members.length);
    }
    expect((await get(em, '/v3/asm/groups/1/suppressions')).status).toBe(404);
  });
});

describe('SendGrid emulator: faults', () => {
  let em: SendGridEmulator;
  beforeAll(async () => { em = await startSendGridEmulator({ account, rateLimit: { limit: 10_000, windowSeconds: 1 } }); });
  afterAll(() => em.close());

  it('injects status faults in SendGrid shape, then recovers', async () => {
    em.faults.inject({ kind: 'status', status: 503, path: '/v3/marketing/lists', times: 1 });
    const failed = await get(em, '/v3/marketing/lists');
    expect(failed.status).toBe(503);
    expect(failed.body.errors[0].message).toBeTypeOf('string');
    expect(failed.headers.get('x-ratelimit-limit')).toBe('10000');
    expect((await get(em, '/v3/marketing/lists')).status).toBe(200);
    em.faults.inject({ kind: 'status', status: 429, path: /^\/v3\/suppression\// });
    expect((await get(em, '/v3/suppression/bounces')).body).toEqual({ errors: [{ field: null, message: 'too many requests' }] });
  });

  it('cuts, slows and mangles responses, including export downloads', async () => {
    em.faults.inject({ kind: 'malformed', path: '/v3/marketing/field_definitions' });
    const res = await fetch(`${em.url}/v3/marketing/field_definitions`, { headers: { authorization: `Bearer ${account.apiKeys[0]!.token}` } });
    await expect(res.text().then((t) => JSON.parse(t))).rejects.toThrow();
    const job = await runExport(em, {});
    em.faults.inject({ kind: 'cut', path: /^\/exports\// });
    await expect(download(job.urls[0])).rejects.toThrow();
    em.faults.inject({ kind: 'slow', delayMs: 150, path: '/v3/asm/groups' });
    const started = Date.now();
    expect((await get(em, '/v3/asm/groups')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('SendGrid generator', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(generateSendGridAccount({ seed: 5 })).toEqual(generateSendGridAccount({ seed: 5 }));
    expect(generateSendGridAccount({ seed: 5 }).contacts[0]!.email).not.toBe(generateSendGridAccount({ seed: 6 }).contacts[0]!.email);
  });

  it('honours the shape options', () => {
    const a = generateSendGridAccount({ seed: 2, contacts: 300, lists: 5, customFields: 3, templates: 4, legacyTemplates: 1, groups: 2, suppressions: 8, duplicateShare: 0.5 });
    const t = sendgridTruth(a);
    expect(a.customFields.map((f) => f.field_type).sort()).toEqual([...Array(3).fill('Date'), ...Array(3).fill('Number'), ...Array(3).fill('Text')]);
    expect(t.counts).toMatchObject({ contacts: 300, lists: 5, customFields: 9, dynamicTemplates: 4, legacyTemplates: 1, groups: 2 });
    expect(t.multiListContacts).toBeGreaterThan(100);
    expect(a.suppressions.bounces.length).toBeGreaterThan(0);
    for (const c of a.contacts) for (const id of c.list_ids) expect(a.lists.find((l) => l.id === id)!.contact_ids).toContain(c.id);
    for (const tpl of a.templates) expect(tpl.versions.filter((v) => v.active === 1)).toHaveLength(1);
    expect(a.apiKeys.every((k) => k.token.length === 69 && k.token.startsWith('SG.'))).toBe(true);
  });
});
