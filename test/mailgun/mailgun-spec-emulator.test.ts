/**
 * The Mailgun emulator in spec-shapes mode: every route answers bodies valid against the
 * official spec (unrelaxed); identity holds (paging yields every record once, details agree with
 * the lists and with specRecords, `?subscribed=` agrees with what is served); one seed gives the
 * same bytes; across the account every oneOf/anyOf branch, type of a type array and
 * optional-property presence/absence of the served schemas shows up, but for the identity and
 * envelope fields the emulator keeps; hostile-but-valid values are in every kind.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMailgunAccount } from '../../emulators/mailgun/generator.js';
import type { MailgunAccount } from '../../emulators/mailgun/model.js';
import { ROUTES } from '../../emulators/mailgun/routes.js';
import { startMailgunEmulator, type MailgunEmulator, type MailgunSpecKind } from '../../emulators/mailgun/server.js';
import { loadSpec, resolveSchema, responsePointer } from '../../emulators/shared/spec-schema.js';
import { EXTRA_KEYS, LONG_LENGTH } from '../../emulators/shared/hostile-values.js';
import { uncovered } from '../emulators/spec-coverage.js';

const spec = parse(readFileSync(new URL('../../emulators/specs/mailgun/openapi.yaml', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
ajv.addSchema({ $id: 'mailgun', components: spec.components, paths: spec.paths });
const pointer = (path: string) => `/paths/${encodeURIComponent(path.replace(/~/g, '~0').replace(/\//g, '~1'))}/get/responses/200/content/application~1json/schema`;
const validator = (path: string) => ajv.getSchema(`mailgun#${pointer(path)}`) ?? ajv.compile({ $ref: `mailgun#${pointer(path)}` });
const schemaOf = (path: string) => resolveSchema(loadSpec('mailgun/openapi.yaml'), responsePointer(path));

/** Emulator route → the spec path it answers as → its request paths. */
type Urls = (a: MailgunAccount) => string[];
const perDomain = (f: (domain: string, a: MailgunAccount) => string[]): Urls => (a) => a.domains.flatMap((d) => f(d.name, a));
const SERVED: Record<string, [string, Urls]> = {
  '/v4/domains': ['/v4/domains', () => ['/v4/domains', '/v4/domains?limit=3&skip=2']],
  '/v4/domains/{name}': ['/v4/domains/{name}', perDomain((d) => [`/v4/domains/${d}`])],
  '/v3/lists/pages': ['/v3/lists/pages', () => ['/v3/lists/pages?limit=100']],
  '/v3/lists/{list}/members/pages': ['/v3/lists/{list_address}/members/pages', (a) => a.lists.flatMap((l) => [`/v3/lists/${encodeURIComponent(l.address)}/members/pages?limit=100`])],
  '/v3/{domain}/templates': ['/v3/{domain_name}/templates', perDomain((d) => [`/v3/${d}/templates?limit=100`])],
  '/v3/{domain}/templates/{name}': ['/v3/{domain_name}/templates/{template_name}', perDomain((d, a) => a.byDomain[d]!.templates.flatMap((t) => [`/v3/${d}/templates/${t.name}?active=yes`, `/v3/${d}/templates/${t.name}`]))],
  '/v3/{domain}/bounces': ['/v3/{domain_name}/bounces', perDomain((d) => [`/v3/${d}/bounces?limit=1000`])],
  '/v3/{domain}/unsubscribes': ['/v3/{domain_name}/unsubscribes', perDomain((d) => [`/v3/${d}/unsubscribes?limit=1000`])],
  '/v3/{domain}/complaints': ['/v3/{domain_name}/complaints', perDomain((d) => [`/v3/${d}/complaints?limit=1000`])],
  '/v3/{domain}/whitelists': ['/v3/{domain_name}/whitelists', perDomain((d) => [`/v3/${d}/whitelists?limit=1000`])],
};

/**
 * Choice points never exercised, by design: the paging envelope, the `{domain}` and `{template}`
 * wrappers (a listed record always has its detail), and identity fields (addresses, template ids,
 * member counts) are always the emulator's.
 */
const BY_DESIGN = [
  /^\/v3\/lists(\/\{list_address\}\/members)?\/pages\/(paging(\/\w+)?|items)\|absent$/, /\/items\/\[\]\/(address|members_count|id)\|absent$/,
  /^\/v4\/domains\/\{name\}\/domain\|of=1$/, /^\/v3\/\{domain_name\}\/templates\/\{template_name\}\/template(\|of=1|\/id\|absent)$/, /^\/v3\/\{domain_name\}\/templates\/items\|type=null$/,
];

// Domains many enough that a nested optional field (a domain's disabled.until) comes up absent in the rotation.
const ACCOUNT = { seed: 5, domains: 32, lists: 6, contacts: 30, templates: 3, suppressions: 4 } as const;
type Served = Map<string, { path: string; status: number; text: string }>;

const auth = (em: MailgunEmulator) => ({ authorization: `Basic ${Buffer.from(`api:${em.account.apiKeys[0]!.token}`).toString('base64')}` });
async function get(em: MailgunEmulator, url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url.startsWith('http') ? url : em.url + url, { headers: auth(em) });
  return { status: res.status, body: await res.json() };
}
async function fetchAll(em: MailgunEmulator): Promise<Served> {
  const out: Served = new Map();
  for (const [path, urls] of Object.values(SERVED)) {
    for (const url of urls(em.account)) {
      const res = await fetch(em.url + url, { headers: auth(em) });
      out.set(url, { path, status: res.status, text: (await res.text()).replaceAll(em.url, 'http://emulator') });
    }
  }
  return out;
}

/** The hostile kinds of value found anywhere inside `records`. */
function hostility(records: unknown[]): Set<string> {
  const flags = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v === '') flags.add('empty');
      if ([...v].length >= LONG_LENGTH) flags.add('very-long');
      if (/[^\x00-\x7f]/.test(v)) flags.add('unicode');
      if (v !== '' && v !== v.trim()) flags.add('padded');
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (EXTRA_KEYS.includes(k)) flags.add('unknown-key');
        visit(x);
      }
    }
  };
  records.forEach(visit);
  return flags;
}

describe('Mailgun emulator in spec-shapes mode', () => {
  let em: MailgunEmulator;
  let served: Served;
  beforeAll(async () => {
    em = await startMailgunEmulator({ account: generateMailgunAccount(ACCOUNT), requestsPerSecond: 1_000_000, specShapes: { seed: 11 } });
    served = await fetchAll(em);
  });
  afterAll(() => em.close());

  it('maps every emulator route to a spec schema', () => {
    expect(ROUTES.map((r) => r.template).filter((t) => !(t in SERVED))).toEqual([]);
  });

  it('answers every route with bodies valid against the unrelaxed spec', () => {
    for (const [url, { path, status, text }] of served) {
      expect(status, url).toBe(200);
      const validate = validator(path);
      expect(validate(JSON.parse(text)) ? [] : validate.errors, url).toEqual([]);
    }
  });

  it('covers every branch, type and optional property of the served schemas', () => {
    const byPath = new Map<string, unknown[]>();
    for (const { path, text } of served.values()) byPath.set(path, [...(byPath.get(path) ?? []), JSON.parse(text)]);
    const missing = [...byPath].flatMap(([path, bodies]) => uncovered(schemaOf(path), bodies).map((p) => `${path}${p}`));
    expect(missing.filter((p) => !BY_DESIGN.some((re) => re.test(p)))).toEqual([]);
  });

  it('serves hostile-but-valid values in every kind', () => {
    const r = em.specRecords!;
    for (const kind of ['domains', 'lists', 'members', 'templates', 'bounces', 'unsubscribes', 'allowlist'] as const) {
      expect([...hostility(r[kind])], kind).toEqual(expect.arrayContaining(['empty', 'unicode', 'padded', 'unknown-key']));
    }
    // A complaint has its address and a free-form created_at only.
    expect([...hostility(r.complaints)]).toEqual(expect.arrayContaining(['empty', 'unicode', 'unknown-key']));
    for (const kind of ['members', 'templates', 'unsubscribes'] as const) expect(hostility(r[kind]).has('very-long'), kind).toBe(true);
    // Vars and suppression dates are free-form objects in the spec; a version's headers are strings only.
    expect(new Set(r.members.map((m) => typeof m.vars))).toEqual(new Set(['object', 'undefined']));
    expect(r.bounces.every((b) => typeof b.created_at === 'object')).toBe(true);
    const headers = r.templates.flatMap((t) => Object.values((t.version as { headers?: Record<string, unknown> } | null | undefined)?.headers ?? {}));
    expect(headers.length).toBeGreaterThan(0);
    expect(headers.filter((h) => typeof h !== 'string')).toEqual([]);
  });

  it('pages through every list yielding each record once, details agreeing with lists and specRecords', async () => {
    const a = em.account;
    const walk = async (url: string) => {
      const out: any[] = [];
      for (let next: string = url; ;) {
        const page = (await get(em, next)).body;
        if (!page.items?.length) return out;
        out.push(...page.items);
        next = page.paging.next;
      }
    };
    const truth = (kind: MailgunSpecKind) => new Map(em.specRecords!.keys[kind].map((k, i) => [k, em.specRecords![kind][i]!]));
    const members = truth('members');
    for (const l of a.lists) {
      const items = await walk(`/v3/lists/${encodeURIComponent(l.address)}/members/pages?limit=7`);
      expect(items.map((m) => m.address)).toEqual(a.members[l.address]!.map((m) => m.address));
      for (const m of items) expect(m).toEqual(members.get(`${l.address}|${m.address}`));
    }
    const lists = truth('lists');
    for (const l of await walk('/v3/lists/pages?limit=2')) expect(l).toEqual(lists.get(l.address));
    const domains = truth('domains');
    for (const d of (await get(em, '/v4/domains')).body.items) {
      const detail = (await get(em, `/v4/domains/${d.name}`)).body;
      expect(detail.domain).toEqual(d);
      expect(d).toEqual(domains.get(d.name));
    }
    const templates = truth('templates');
    for (const d of a.domains) {
      const listed = await walk(`/v3/${d.name}/templates?limit=3`);
      expect(listed.map((t) => t.name)).toEqual(a.byDomain[d.name]!.templates.map((t) => t.name));
      for (const t of listed) {
        expect(t).toEqual(templates.get(t.id));
        expect((await get(em, `/v3/${d.name}/templates/${t.name}?active=yes`)).body.template).toEqual(t);
      }
      for (const kind of ['bounces', 'unsubscribes', 'complaints'] as const) {
        const rows = truth(kind);
        const items = await walk(`/v3/${d.name}/${kind}?limit=4`);
        expect(items.map((x) => x.address)).toEqual(a.byDomain[d.name]![kind].map((x) => x.address));
        for (const x of items) expect(x).toEqual(rows.get(`${d.name}|${x.address}`));
      }
    }
  });

  it('filters members by subscribed as they are served', async () => {
    for (const l of em.account.lists) {
      for (const value of ['true', 'false']) {
        const items = (await get(em, `/v3/lists/${encodeURIComponent(l.address)}/members/pages?limit=100&subscribed=${value}`)).body.items as { subscribed?: boolean }[];
        expect(items.filter((m) => m.subscribed !== undefined && String(m.subscribed) !== value)).toEqual([]);
      }
    }
  });

  it('gives the same bytes for the same seed and other bytes for another; without the option, no spec records', async () => {
    const account = generateMailgunAccount(ACCOUNT);
    const same = await startMailgunEmulator({ account, requestsPerSecond: 1_000_000, specShapes: { seed: 11 } });
    const other = await startMailgunEmulator({ account, requestsPerSecond: 1_000_000, specShapes: { seed: 12 } });
    const plain = await startMailgunEmulator({ account, requestsPerSecond: 1_000_000 });
    try {
      const again = await fetchAll(same);
      expect([...again].filter(([url, r]) => r.text !== served.get(url)!.text).map(([url]) => url)).toEqual([]);
      const otherServed = await fetchAll(other);
      expect([...again.keys()].filter((u) => otherServed.get(u)!.text !== served.get(u)!.text).length).toBeGreaterThan(again.size * 0.8);
      expect(plain.specRecords).toBeUndefined();
      const first = account.domains[0]!;
      expect((await get(plain, `/v4/domains/${first.name}`)).body.domain).toMatchObject({ name: first.name, state: first.state, web_scheme: first.web_scheme });
    } finally {
      await Promise.all([same.close(), other.close(), plain.close()]);
    }
  });
});
