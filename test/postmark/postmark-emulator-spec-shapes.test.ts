/**
 * The Postmark emulator's spec-shapes mode: every route answers bodies valid against the
 * official Swagger files (unrelaxed; streams and suppressions, which they lack, against the
 * docs' shapes in emulators/postmark/spec-shapes.ts); identity holds (paging yields every record
 * once, details agree with lists and with specRecords, aliases and the TemplateType filter
 * work, tokens still open what they opened); one seed gives the same bytes; and across the
 * account every enum value and optional-property presence/absence of the served schemas shows
 * up, except where the emulator keeps the field.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePostmarkAccount } from '../../emulators/postmark/generator.js';
import { startPostmarkEmulator, type PostmarkEmulator } from '../../emulators/postmark/server.js';
import { postmarkSchemas, STREAM_LIST_SCHEMA, SUPPRESSION_DUMP_SCHEMA, type PostmarkRoute } from '../../emulators/postmark/spec-shapes.js';
import type { PostmarkAccount } from '../../emulators/postmark/model.js';
import { uncovered } from '../emulators/spec-coverage.js';

const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
const SPECS = { account: 'account/0.9.0', server: 'server/1.0.0' } as const;
for (const [id, dir] of Object.entries(SPECS)) {
  const doc = parse(readFileSync(new URL(`../../emulators/specs/postmark/${dir}/swagger.yaml`, import.meta.url), 'utf8'));
  ajv.addSchema({ $id: `pm-${id}`, definitions: doc.definitions, paths: doc.paths });
}
const pointer = (path: string) => `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/schema`;
const swagger = (spec: keyof typeof SPECS, path: string) => ajv.compile({ $ref: `pm-${spec}#${pointer(path)}` });

type Urls = (a: PostmarkAccount) => Array<[token: string, url: string]>;
const each = (a: PostmarkAccount, f: (s: PostmarkAccount['servers'][number]) => string[]): Array<[string, string]> => a.servers.flatMap((s) => f(s).map((u) => [s.ApiTokens[0]!, u] as [string, string]));
/** Every route → its validator (the unrelaxed Swagger schema, or the docs' shape) → its requests. */
const SERVED: Record<PostmarkRoute, [ReturnType<typeof ajv.compile>, Urls]> = {
  '/servers': [swagger('account', '/servers'), (a) => [[a.accountToken, '/servers?count=500'], [a.accountToken, '/servers?count=1&offset=1']]],
  '/domains': [swagger('account', '/domains'), (a) => [[a.accountToken, '/domains?count=500']]],
  '/domains/{id}': [swagger('account', '/domains/{domainid}'), (a) => a.domains.map((d) => [a.accountToken, `/domains/${d.ID}`])],
  '/senders': [swagger('account', '/senders'), (a) => [[a.accountToken, '/senders?count=500']]],
  '/server': [swagger('server', '/server'), (a) => each(a, () => ['/server'])],
  '/message-streams': [ajv.compile(STREAM_LIST_SCHEMA), (a) => each(a, () => ['/message-streams', '/message-streams?IncludeArchivedStreams=true'])],
  '/message-streams/{id}/suppressions/dump': [ajv.compile(SUPPRESSION_DUMP_SCHEMA), (a) => each(a, (s) => s.streams.map((st) => `/message-streams/${st.ID}/suppressions/dump`))],
  '/templates': [swagger('server', '/templates'), (a) => each(a, () => ['/templates?count=500&TemplateType=All', '/templates?count=2&offset=1'])],
  '/templates/{id}': [swagger('server', '/templates/{templateIdOrAlias}'), (a) => each(a, (s) => s.templates.flatMap((t) => [`/templates/${t.TemplateId}`, ...(t.Alias ? [`/templates/${t.Alias}`] : [])]))],
};
const ACCOUNT = { seed: 5, servers: 12, templates: 8, suppressions: 12 };

async function get(em: PostmarkEmulator, token: string, url: string) {
  const header = token === em.account.accountToken ? 'x-postmark-account-token' : 'x-postmark-server-token';
  const res = await fetch(em.url + url, { headers: { [header]: token } });
  return { status: res.status, text: await res.text() };
}
type Served = Map<string, { route: PostmarkRoute; status: number; text: string }>;
async function fetchAll(em: PostmarkEmulator): Promise<Served> {
  const out: Served = new Map();
  for (const [route, [, urls]] of Object.entries(SERVED) as Array<[PostmarkRoute, (typeof SERVED)[PostmarkRoute]]>) {
    for (const [token, url] of urls(em.account)) out.set(`${token} ${url}`, { route, ...(await get(em, token, url)) });
  }
  return out;
}

/**
 * Choice points the emulator keeps, by design: ids, tokens, addresses, a stream's server, type
 * and archive date, a template's alias; "Templates API" (the envelope keeps the live name); the
 * template list's TemplateId (an identity; the spec's detail id is TemplateID).
 */
const BY_DESIGN = [
  /\/(ID|ApiTokens|TotalCount|Servers|Domains|SenderSignatures|MessageStreams|Suppressions|EmailAddress|ServerID|ArchivedAt|TemplateID|TemplateId|Alias|AssociatedServerId)\|absent$/,
  /\/MessageStreamType\|(absent|enum=.*)$/, /\/ArchivedAt\|type=string$/, /^\/Templates API\//, /^\/Templates API\|present$/,
];

describe('the Postmark emulator in spec-shapes mode', () => {
  let em: PostmarkEmulator;
  let served: Served;
  beforeAll(async () => {
    em = await startPostmarkEmulator({ account: generatePostmarkAccount(ACCOUNT), requestsPerSecond: 1_000_000, specShapes: { seed: 11 } });
    served = await fetchAll(em);
  });
  afterAll(() => em.close());

  it('answers every route with bodies valid against the spec', () => {
    for (const [url, { route, status, text }] of served) {
      expect(status, url).toBe(200);
      const validate = SERVED[route][0];
      expect(validate(JSON.parse(text)) ? [] : validate.errors, url).toEqual([]);
    }
    // The template list's items, under the emulator's (the live API's) array name, against the spec's "Templates API" items.
    const item = ajv.compile({ $ref: 'pm-server#/definitions/TemplateListingResponse/properties/Templates%20API/items' });
    const items = [...served.values()].filter((r) => r.route === '/templates').flatMap((r) => JSON.parse(r.text).Templates);
    expect(items.length).toBeGreaterThan(0);
    for (const t of items) expect(item(t) ? [] : item.errors, JSON.stringify(t).slice(0, 80)).toEqual([]);
  });

  it('covers every enum value and optional property of the served schemas', () => {
    const schemas = postmarkSchemas();
    const byRoute = new Map<PostmarkRoute, unknown[]>();
    for (const { route, text } of served.values()) byRoute.set(route, [...(byRoute.get(route) ?? []), JSON.parse(text)]);
    // The templates list, as the emulator names its array, checked against the spec's items.
    const templateItems = schemas['/templates'].properties['Templates API'].items;
    const listed = (byRoute.get('/templates') ?? []).flatMap((b: any) => b.Templates);
    // Domains and sender signatures are two records each in every generated account: too few to rotate through their alternatives.
    byRoute.delete('/domains');
    byRoute.delete('/domains/{id}');
    byRoute.delete('/senders');
    const missing = [...byRoute].flatMap(([route, bodies]) => uncovered(schemas[route], bodies).map((p) => [route, p]));
    missing.push(...uncovered(templateItems, listed).map((p) => ['/templates item', p]));
    expect(missing.filter(([, p]) => !BY_DESIGN.some((re) => re.test(p!))).map(([route, p]) => `${route}${p}`)).toEqual([]);
  });

  it('keeps identity: pages yield every record once, details agree with lists and specRecords, aliases and filters work', async () => {
    const a = em.account;
    const json = async (token: string, url: string) => JSON.parse((await get(em, token, url)).text);
    const servers: any[] = [];
    for (let offset = 0; ; offset += 5) {
      const page = await json(a.accountToken, `/servers?count=5&offset=${offset}`);
      expect(page.TotalCount).toBe(a.servers.length);
      servers.push(...page.Servers);
      if (page.Servers.length < 5) break;
    }
    expect(servers.map((s: any) => [s.ID, s.ApiTokens])).toEqual(a.servers.map((s) => [s.ID, s.ApiTokens]));
    const records = em.specRecords!;
    for (const s of a.servers) {
      const token = s.ApiTokens[0]!;
      const listed = (await json(token, '/templates?count=500&TemplateType=All')).Templates;
      expect(listed.map((t: any) => t.TemplateId)).toEqual(s.templates.map((t) => t.TemplateId));
      expect((await json(token, '/templates?count=500&TemplateType=Layout')).Templates.every((t: any) => t.TemplateType === 'Layout')).toBe(true);
      for (const t of listed) {
        const detail = await json(token, `/templates/${t.TemplateId}`);
        expect(detail.TemplateID).toBe(t.TemplateId);
        for (const k of Object.keys(t).filter((k) => k !== 'TemplateId')) expect(detail[k], `${t.TemplateId} ${k}`).toEqual(t[k]);
        const truth = records.templates.find((r) => r.TemplateId === t.TemplateId)!;
        for (const [k, v] of Object.entries(detail)) expect(truth[k], `${t.TemplateId} ${k}`).toEqual(v);
        if (t.Alias) expect(await json(token, `/templates/${t.Alias}`)).toEqual(detail);
      }
      const streams = (await json(token, '/message-streams')).MessageStreams;
      expect(streams.map((x: any) => [x.ID, x.ServerID, x.MessageStreamType])).toEqual(s.streams.filter((x) => !x.ArchivedAt).map((x) => [x.ID, x.ServerID, x.MessageStreamType]));
      for (const st of s.streams) {
        const dump = (await json(token, `/message-streams/${st.ID}/suppressions/dump`)).Suppressions;
        expect(dump.map((x: any) => x.EmailAddress)).toEqual((s.suppressions[st.ID] ?? []).map((x) => x.EmailAddress));
      }
      expect((await get(em, token, '/servers?count=1')).status).toBe(401); // a server token still opens no account endpoint
    }
    for (const d of (await json(a.accountToken, '/domains?count=500')).Domains) {
      const detail = await json(a.accountToken, `/domains/${d.ID}`);
      for (const [k, v] of Object.entries(d)) expect(detail[k], `domain ${d.ID} ${k}`).toEqual(v);
    }
    expect((await json(a.accountToken, '/senders?count=500')).SenderSignatures.map((x: any) => [x.ID, x.EmailAddress])).toEqual(a.senders.map((x) => [x.ID, x.EmailAddress]));
  });

  it('gives the same bytes for the same seed and other bytes for another; off by default', async () => {
    const account = generatePostmarkAccount(ACCOUNT);
    const same = await startPostmarkEmulator({ account, requestsPerSecond: 1_000_000, specShapes: { seed: 11 } });
    const other = await startPostmarkEmulator({ account, requestsPerSecond: 1_000_000, specShapes: { seed: 12 } });
    const plain = await startPostmarkEmulator({ account });
    try {
      const again = await fetchAll(same);
      expect([...again].filter(([url, r]) => r.text !== served.get(url)!.text).map(([url]) => url)).toEqual([]);
      // Inbound streams have no suppressions: their empty dump is the same under any seed.
      const sampled = [...served].filter(([, r]) => r.text !== '{"Suppressions":[]}');
      const otherServed = await fetchAll(other);
      expect(sampled.filter(([url, r]) => otherServed.get(url)!.text !== r.text).length).toBeGreaterThan(sampled.length * 0.8);
      expect(plain.specRecords).toBeUndefined();
    } finally {
      await Promise.all([same.close(), other.close(), plain.close()]);
    }
  });
});
