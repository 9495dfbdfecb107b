/**
 * The Mailgun emulator against Mailgun's official OpenAPI spec (emulators/specs/mailgun) and the
 * provider notes: every GET it serves validates against the spec's 200 schema (RELAXATIONS names
 * where the spec is stricter than the API), Basic auth per region, pivot paging that a reader
 * walks to the end exactly once, RFC-2822 dates and 429s without rate headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMailgunAccount } from '../../emulators/mailgun/generator.js';
import { startMailgunEmulator, type MailgunEmulator } from '../../emulators/mailgun/server.js';
import { accepts, loadSpec, resolveSchema, responsePointer } from '../../emulators/shared/spec-schema.js';

const account = generateMailgunAccount({ seed: 7, domains: 2, lists: 3, contacts: 250, templates: 5, suppressions: 12 });
let mg: MailgunEmulator;
beforeAll(async () => {
  mg = await startMailgunEmulator({ account });
});
afterAll(async () => mg?.close());

const privateKey = account.apiKeys.find((k) => k.kind === 'private')!.token;
const sendingKey = account.apiKeys.find((k) => k.kind === 'sending')!.token;
const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`api:${key}`).toString('base64')}` });

async function get(path: string, key = privateKey, base = mg.url): Promise<{ status: number; body: any }> {
  const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, { headers: basic(key) });
  return { status: res.status, body: await res.json() };
}

const spec = loadSpec('mailgun/openapi.yaml');
/**
 * Where the spec is stricter than the API: it types suppressions' `created_at` (and the
 * allowlist's `createdAt`) as an object, where Mailgun sends an RFC-2822 string (its own
 * examples and the provider notes). Those fields are checked as strings here.
 */
const RELAXATIONS: Record<string, (body: any) => any> = {
  '/v3/{domain_name}/bounces': (b) => ({ ...b, items: b.items.map((i: any) => ({ ...i, created_at: {} })) }),
  '/v3/{domain_name}/unsubscribes': (b) => ({ ...b, items: b.items.map((i: any) => ({ ...i, created_at: {} })) }),
  '/v3/{domain_name}/complaints': (b) => ({ ...b, items: b.items.map((i: any) => ({ ...i, created_at: {} })) }),
  '/v3/{domain_name}/whitelists': (b) => ({ ...b, items: b.items.map((i: any) => ({ ...i, createdAt: {} })) }),
};

describe('the Mailgun emulator', () => {
  it('serves what the official spec describes', async () => {
    const [domain] = account.domains;
    const [list] = account.lists;
    const template = account.byDomain[domain!.name]!.templates[0]!;
    const served: [string, string][] = [
      ['/v4/domains', '/v4/domains'],
      ['/v4/domains/{name}', `/v4/domains/${domain!.name}`],
      ['/v3/lists/pages', '/v3/lists/pages?limit=2'],
      ['/v3/lists/{list_address}/members/pages', `/v3/lists/${encodeURIComponent(list!.address)}/members/pages?limit=50`],
      ['/v3/{domain_name}/templates', `/v3/${domain!.name}/templates?limit=2`],
      ['/v3/{domain_name}/templates/{template_name}', `/v3/${domain!.name}/templates/${template.name}?active=yes`],
      ['/v3/{domain_name}/bounces', `/v3/${domain!.name}/bounces`],
      ['/v3/{domain_name}/unsubscribes', `/v3/${domain!.name}/unsubscribes`],
      ['/v3/{domain_name}/complaints', `/v3/${domain!.name}/complaints`],
      ['/v3/{domain_name}/whitelists', `/v3/${domain!.name}/whitelists`],
    ];
    for (const [specPath, url] of served) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      const body = RELAXATIONS[specPath]?.(res.body) ?? res.body;
      expect(accepts(resolveSchema(spec, responsePointer(specPath)), body), `${url}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(true);
    }
    const bounces = await get(`/v3/${domain!.name}/bounces`);
    for (const b of bounces.body.items) expect(Number.isNaN(Date.parse(b.created_at)), b.created_at).toBe(false);
    expect(bounces.body.items[0].created_at).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (GMT|\+0000)$/);
  });

  it('answers only the private key, only in the account’s region', async () => {
    expect((await get('/v4/domains')).status).toBe(200);
    expect(await get('/v4/domains', 'key-not-a-real-one')).toEqual({ status: 401, body: { message: 'Invalid private key' } });
    expect((await get('/v4/domains', privateKey, mg.euUrl)).status).toBe(401);
    expect(await get('/v4/domains', sendingKey)).toEqual({ status: 403, body: { message: 'Forbidden' } });
    const wrongUser = await fetch(`${mg.url}/v4/domains`, { headers: { authorization: `Basic ${Buffer.from(`user:${privateKey}`).toString('base64')}` } });
    expect(wrongUser.status).toBe(401);
  });

  it('pages members by an address pivot with absolute URLs, to an empty page, each member once', async () => {
    for (const list of account.lists) {
      const seen: string[] = [];
      let url = `${mg.url}/v3/lists/${encodeURIComponent(list.address)}/members/pages?limit=17`;
      for (let guard = 0; guard < 100; guard++) {
        const page = await get(url);
        expect(page.status).toBe(200);
        expect(page.body.paging.next).toMatch(/^http:\/\/.+page=next/);
        if (page.body.items.length === 0) break;
        seen.push(...page.body.items.map((m: { address: string }) => m.address));
        url = page.body.paging.next;
      }
      expect(seen).toEqual(account.members[list.address]!.map((m) => m.address));
    }
  });

  it('refuses past its rate with a 429 that carries no rate-limit headers', async () => {
    mg.setRequestsPerSecond(3);
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`${mg.url}/v4/domains`, { headers: basic(privateKey) })));
      const limited = answers.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(await limited[0]!.json()).toEqual({ message: 'Too Many Requests' });
      expect([...limited[0]!.headers.keys()].filter((h) => /rate|retry/i.test(h))).toEqual([]);
    } finally {
      mg.setRequestsPerSecond(100);
    }
  });
});
