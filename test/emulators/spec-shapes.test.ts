/**
 * Spec-shapes mode of both emulators: every route answers bodies valid against the official
 * spec (the unrelaxed schemas, except SendGrid's dynamic template id length, an identity the
 * emulator keeps); identity holds (paging yields every record once, details answer for every
 * listed id and agree with the list, filters and relationships agree with what is served); one
 * seed gives the same bytes; and across the account every oneOf/anyOf branch, type of a type
 * array, enum value and optional-property presence/absence of the served schemas shows up.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import type { ResendAccount } from '../../emulators/resend/model.js';
import { ROUTES as RESEND_ROUTES } from '../../emulators/resend/routes.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { loadSpec, resolveSchema, responsePointer } from '../../emulators/shared/spec-schema.js';
import { get, walk } from './resend-helpers.js';
import { generateSendGridAccount } from '../../emulators/sendgrid/generator.js';
import { SUPPRESSION_KINDS, type SendGridAccount } from '../../emulators/sendgrid/model.js';
import { ROUTES as SG_ROUTES } from '../../emulators/sendgrid/routes.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import { call, download, get as sgGet, runExport } from './sendgrid-helpers.js';
import { choicePoints, uncovered } from './spec-coverage.js';
import { EXTRA_KEYS, LONG_LENGTH } from '../../emulators/shared/hostile-values.js';

const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
const resendSpec = parse(readFileSync(new URL('../../emulators/specs/resend/openapi.yaml', import.meta.url), 'utf8'));
ajv.addSchema({ $id: 'resend', components: resendSpec.components });
const resendValidator = (name: string) => ajv.getSchema(`resend#/components/schemas/${name}`)!;
const resendSchema = (name: string) => resolveSchema(loadSpec('resend/openapi.yaml'), `#/components/schemas/${name}`);
/** Identity and envelope fields the emulator always sends (never sampled absent), at the top and in list items. */
/** The hostile kinds of value found anywhere inside `records`. */
function hostility(records: unknown[]): Set<string> {
  const flags = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v === '') flags.add('empty');
      if ([...v].length >= 100) flags.add('long');
      if ([...v].length >= LONG_LENGTH) flags.add('very-long');
      if (/[^\x00-\x7f]/.test(v)) flags.add('unicode');
      if (v !== '' && v !== v.trim()) flags.add('padded');
    } else if (typeof v === 'number') {
      if (v <= 0 || !Number.isSafeInteger(v)) flags.add('edge-number');
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
const STRINGY = ['empty', 'long', 'unicode', 'padded', 'unknown-key'];
const ALWAYS_PRESENT = /^(\/data\/\[\])?\/(object|has_more|data|id|email|key|subscription)\|absent$/;

/** Every emulator route → the spec schema it answers with → its request paths (non-spec routes: the closest schema). */
type Urls = (a: ResendAccount) => string[];
const segments = (a: ResendAccount) => a.lists.filter((l) => !l.legacy);
const RESEND_SERVED: Record<string, [string, Urls]> = {
  '/domains': ['ListDomainsResponse', () => ['/domains', '/domains?limit=3']],
  '/domains/{id}': ['Domain', (a) => a.domains.map((d) => `/domains/${d.id}`)],
  '/api-keys': ['ListApiKeysResponse', () => ['/api-keys']],
  '/audiences': ['ListAudiencesResponseSuccess', () => ['/audiences']],
  '/audiences/{id}': ['GetAudienceResponseSuccess', (a) => a.lists.map((l) => `/audiences/${l.id}`)],
  '/audiences/{id}/contacts': ['ListContactsResponseSuccess', (a) => a.lists.map((l) => `/audiences/${l.id}/contacts`)],
  '/audiences/{id}/contacts/{contact}': ['GetContactResponseSuccess', (a) => [
    ...a.audienceContacts.slice(0, 10).map((c) => `/audiences/${c.audience_id}/contacts/${c.id}`),
    ...a.contacts.filter((c) => c.segmentIds.length > 0).slice(0, 10).map((c) => `/audiences/${c.segmentIds[0]}/contacts/${encodeURIComponent(c.email)}`),
  ]],
  '/segments': ['ListSegmentsResponseSuccess', () => ['/segments', '/segments?limit=2']],
  '/segments/{id}': ['GetSegmentResponseSuccess', (a) => segments(a).map((l) => `/segments/${l.id}`)],
  '/segments/{id}/contacts': ['ListContactsResponseSuccess', (a) => segments(a).map((l) => `/segments/${l.id}/contacts`)],
  '/contacts': ['ListContactsResponseSuccess', (a) => ['/contacts', '/contacts?limit=5', ...segments(a).map((l) => `/contacts?segment_id=${l.id}`)]],
  '/contacts/{id}': ['GetContactResponseSuccess', (a) => a.contacts.flatMap((c) => [`/contacts/${c.id}`, `/contacts/${encodeURIComponent(c.email)}`])],
  '/contacts/{id}/segments': ['ListContactSegmentsResponseSuccess', (a) => a.contacts.slice(0, 12).map((c) => `/contacts/${c.id}/segments`)],
  '/contacts/{id}/topics': ['GetContactTopicsResponseSuccess', (a) => a.contacts.slice(0, 12).map((c) => `/contacts/${c.id}/topics?limit=100`)],
  '/contact-properties': ['ListContactPropertiesResponseSuccess', () => ['/contact-properties?limit=100']],
  '/contact-properties/{id}': ['GetContactPropertyResponseSuccess', (a) => a.contactProperties.map((p) => `/contact-properties/${p.id}`)],
  '/topics': ['ListTopicsResponseSuccess', () => ['/topics?limit=100']],
  '/topics/{id}': ['GetTopicResponseSuccess', (a) => a.topics.map((t) => `/topics/${t.id}`)],
  '/templates': ['ListTemplatesResponseSuccess', () => ['/templates?limit=100', '/templates']],
  '/templates/{id}': ['Template', (a) => a.templates.flatMap((t) => [`/templates/${t.id}`, ...(t.alias ? [`/templates/${t.alias}`] : [])])],
  '/suppressions': ['ListSuppressionsResponseSuccess', () => ['/suppressions?limit=100', '/suppressions?origin=manual&limit=100']],
  '/suppressions/{id}': ['GetSuppressionResponseSuccess', (a) => a.suppressions.map((s) => `/suppressions/${s.id}`)],
};

const RESEND_ACCOUNT = { seed: 5, age: 'mixed', contacts: 48, lists: 20, domains: 20, templates: 30, topics: 20, properties: 20, suppressions: 40 } as const;

async function fetchAll(em: ResendEmulator): Promise<Map<string, { schema: string; status: number; text: string }>> {
  const out = new Map<string, { schema: string; status: number; text: string }>();
  for (const [schema, urls] of Object.values(RESEND_SERVED)) {
    for (const url of urls(em.account)) {
      const res = await fetch(em.url + url, { headers: { authorization: `Bearer ${em.account.apiKeys[0]!.token}`, 'user-agent': 'spec-shapes-test' } });
      out.set(url, { schema, status: res.status, text: await res.text() });
    }
  }
  return out;
}

describe('Resend emulator in spec-shapes mode', () => {
  let em: ResendEmulator;
  let served: Map<string, { schema: string; status: number; text: string }>;
  beforeAll(async () => {
    em = await startResendEmulator({ account: generateResendAccount(RESEND_ACCOUNT), rateLimit: 1_000_000, specShapes: { seed: 11 } });
    served = await fetchAll(em);
  });
  afterAll(() => em.close());

  it('maps every emulator route to a spec schema', () => {
    expect(RESEND_ROUTES.map((r) => r.template).filter((t) => !(t in RESEND_SERVED))).toEqual([]);
  });

  it('answers every route with bodies valid against the unrelaxed spec', () => {
    // Unrelaxed: a null fallback, which the non-spec emulator serves and resend-spec.test.ts allows, fails here.
    expect(resendValidator('Template')({ variables: [{ key: 'k', type: 'string', fallback_value: null }] })).toBe(false);
    for (const [url, { schema, status, text }] of served) {
      expect(status, url).toBe(200);
      const validate = resendValidator(schema);
      expect(validate(JSON.parse(text)) ? [] : validate.errors, url).toEqual([]);
    }
  });

  it('covers every branch, type, enum value and optional property of the served schemas', () => {
    const bySchema = new Map<string, unknown[]>();
    for (const { schema, text } of served.values()) bySchema.set(schema, [...(bySchema.get(schema) ?? []), JSON.parse(text)]);
    const missing = [...bySchema].flatMap(([name, bodies]) =>
      // API keys are two records in every generated account: too few to rotate through their alternatives.
      name === 'ListApiKeysResponse' ? [] : uncovered(resendSchema(name), bodies).filter((p) => !ALWAYS_PRESENT.test(p)).map((p) => `${name}${p}`));
    expect(missing).toEqual([]);
    // What the above guarantees for the fields connectors read, spelled out (and proof the walker sees them).
    const template = choicePoints(resendSchema('Template'));
    expect(template).toEqual(expect.arrayContaining([
      ...[0, 1, 2, 3, 4].map((i) => `/variables/[]/fallback_value|of=${i}`), '/variables/[]/fallback_value|absent',
      ...['string', 'number', 'boolean', 'object', 'list'].map((t) => `/variables/[]/type|enum="${t}"`),
      '/reply_to|type=null', '/reply_to|type=array', '/published_at|type=null', '/text|absent', '/alias|absent',
    ]));
    expect(choicePoints(resendSchema('GetContactPropertyResponseSuccess'))).toEqual(expect.arrayContaining(['/fallback_value|of=0', '/fallback_value|of=1', '/fallback_value|absent']));
    expect(choicePoints(resendSchema('GetSuppressionResponseSuccess'))).toEqual(expect.arrayContaining(['/source_id|type=null', '/origin|enum="complaint"']));
  });

  it('serves hostile-but-valid values in every kind', () => {
    const r = em.specRecords!;
    for (const kind of ['domains', 'lists', 'contacts', 'audienceContacts', 'contactProperties', 'topics', 'templates', 'suppressions'] as const) {
      expect([...hostility(r[kind])], kind).toEqual(expect.arrayContaining(STRINGY));
    }
    expect(hostility(r.templates).has('very-long')).toBe(true);
    // Enum-like strings where the spec says plain string: property types and regions beyond the known ones.
    expect(r.contactProperties.some((p) => typeof p.type === 'string' && !['string', 'number', 'boolean'].includes(p.type))).toBe(true);
    expect(r.domains.some((d) => typeof d.region === 'string' && !/^[a-z]{2}-[a-z]+-\d$/.test(d.region))).toBe(true);
    const fallbacks = r.templates.flatMap((t) => (t.variables as Array<Record<string, unknown>> | undefined) ?? []).map((v) => ('fallback_value' in v ? (Array.isArray(v.fallback_value) ? 'array' : typeof v.fallback_value) : 'absent'));
    expect(new Set(fallbacks)).toEqual(new Set(['string', 'number', 'boolean', 'object', 'array', 'absent']));
  });

  it('pages through every list yielding each record once', async () => {
    const a = em.account;
    const kinds: Array<[string, string[]]> = [
      ['/domains', a.domains.map((d) => d.id)], ['/api-keys', a.apiKeys.map((k) => k.id)], ['/audiences', a.lists.map((l) => l.id)],
      ['/segments', segments(a).map((l) => l.id)], ['/contacts', a.contacts.map((c) => c.id)], ['/contact-properties', a.contactProperties.map((p) => p.id)],
      ['/topics', a.topics.map((t) => t.id)], ['/templates', a.templates.map((t) => t.id)], ['/suppressions', a.suppressions.map((s) => s.id)],
    ];
    for (const [path, ids] of kinds) expect((await walk(em, path, 7)).sort(), path).toEqual([...ids].sort());
  });

  it('answers the detail of every listed record, agreeing with the list and with specRecords', async () => {
    const pairs: Array<[string, string, keyof NonNullable<ResendEmulator['specRecords']>]> = [
      ['/domains', '/domains', 'domains'], ['/segments', '/segments', 'lists'], ['/audiences', '/audiences', 'lists'],
      ['/contacts', '/contacts', 'contacts'], ['/contact-properties?limit=100', '/contact-properties', 'contactProperties'],
      ['/topics?limit=100', '/topics', 'topics'], ['/templates?limit=100', '/templates', 'templates'], ['/suppressions?limit=100', '/suppressions', 'suppressions'],
    ];
    for (const [listUrl, base, kind] of pairs) {
      const truth = new Map(em.specRecords![kind].map((r) => [r.id, r]));
      for (const item of (await get(em, listUrl)).body.data as Array<Record<string, unknown>>) {
        const detail = await get(em, `${base}/${item.id}`);
        expect(detail.status, `${base}/${item.id}`).toBe(200);
        for (const [k, v] of Object.entries(item)) expect(detail.body[k], `${base}/${item.id} ${k}`).toEqual(v);
        for (const [k, v] of Object.entries(detail.body)) if (k !== 'object') expect(truth.get(item.id as string)?.[k], `${kind} ${k}`).toEqual(v);
      }
    }
  });

  it('keeps filters and relationships consistent with what is served', async () => {
    const records = em.specRecords!;
    for (const origin of ['bounce', 'complaint', 'manual']) {
      const items = (await get(em, `/suppressions?origin=${origin}&limit=100`)).body.data as Array<{ id: string; origin?: string }>;
      expect(items.filter((s) => s.origin !== undefined && s.origin !== origin)).toEqual([]);
      expect(items.map((s) => s.id)).toEqual(expect.arrayContaining(records.suppressions.filter((s) => s.origin === origin).map((s) => s.id)));
    }
    const topics = new Map(records.topics.map((t) => [t.id, t]));
    const types = new Map(records.contactProperties.map((p) => [p.key, p.type]));
    for (const c of em.account.contacts.slice(0, 24)) {
      for (const t of (await get(em, `/contacts/${c.id}/topics?limit=100`)).body.data) {
        const original = em.account.topics.find((x) => x.id === t.id)!.default_subscription;
        expect(t.subscription).toBe(c.topics[t.id] ?? topics.get(t.id)!.default_subscription ?? original);
      }
      const detail = (await get(em, `/contacts/${c.id}`)).body;
      for (const [key, p] of Object.entries<{ value: unknown; type: unknown }>(detail.properties)) {
        expect(p.value).toEqual(c.properties[key]);
        if (types.get(key) !== undefined) expect(p.type).toEqual(types.get(key));
      }
      expect(detail.email).toBe(c.email);
    }
    for (const t of em.account.templates.filter((x) => x.alias)) expect(served.get(`/templates/${t.alias}`)!.text).toBe(served.get(`/templates/${t.id}`)!.text);
  });

  it('gives the same bytes for the same seed and other bytes for another', async () => {
    const account = generateResendAccount(RESEND_ACCOUNT);
    const same = await startResendEmulator({ account, rateLimit: 1_000_000, specShapes: { seed: 11 } });
    const other = await startResendEmulator({ account, rateLimit: 1_000_000, specShapes: { seed: 12 } });
    try {
      const again = await fetchAll(same);
      expect([...again].filter(([url, r]) => r.text !== served.get(url)!.text).map(([url]) => url)).toEqual([]);
      const changed = [...(await fetchAll(other))].filter(([url, r]) => r.text !== served.get(url)!.text);
      expect(changed.length).toBeGreaterThan(served.size / 2);
    } finally {
      await Promise.all([same.close(), other.close()]);
    }
  });

  it('serves an old (legacy-only) account in spec shapes too', async () => {
    const old = await startResendEmulator({ account: generateResendAccount({ ...RESEND_ACCOUNT, age: 'old' }), rateLimit: 1_000_000, specShapes: { seed: 11 } });
    try {
      for (const route of ['/domains', '/domains/{id}', '/api-keys', '/audiences', '/audiences/{id}', '/audiences/{id}/contacts', '/audiences/{id}/contacts/{contact}']) {
        const [schema, urls] = RESEND_SERVED[route]!;
        for (const url of urls(old.account)) {
          const res = await get(old, url);
          expect(res.status, url).toBe(200);
          expect(resendValidator(schema)(res.body) ? [] : resendValidator(schema).errors, url).toEqual([]);
        }
      }
      expect(old.specRecords!.audienceContacts).toHaveLength(old.account.audienceContacts.length);
    } finally {
      await old.close();
    }
  });

  it('is off by default', async () => {
    const plain = await startResendEmulator({ account: em.account });
    try {
      expect(plain.specRecords).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

const SG_FILES = ['tsg_scopes_v3', 'tsg_mc_contacts_v3', 'tsg_mc_lists_v3', 'tsg_mc_custom_fields_v3', 'tsg_templates_v3', 'tsg_suppressions_v3'] as const;
type SgFile = (typeof SG_FILES)[number];
const sgSpecs = Object.fromEntries(SG_FILES.map((f) => [f, parse(readFileSync(new URL(`../../emulators/specs/sendgrid/${f}.yaml`, import.meta.url), 'utf8'))])) as Record<SgFile, any>;
// The one relaxation: dynamic template ids (an identity the emulator keeps) are d- + 32 hex, not 36-char UUIDs (sendgrid-spec.test.ts).
for (const name of ['TransactionalTemplatesTemplateLean', 'TransactionalTemplate']) delete sgSpecs.tsg_templates_v3.components.schemas[name].properties.id.minLength;
for (const f of SG_FILES) ajv.addSchema({ $id: f, components: sgSpecs[f].components, paths: sgSpecs[f].paths });
const sgPointer = (path: string) => `/paths/${encodeURIComponent(path.replace(/~/g, '~0').replace(/\//g, '~1'))}/get/responses/200/content/application~1json/schema`;
const sgValidator = (file: SgFile, path: string) => ajv.getSchema(`${file}#${sgPointer(path)}`) ?? ajv.compile({ $ref: `${file}#${sgPointer(path)}` });
const sgSchema = (file: SgFile, path: string) => resolveSchema(loadSpec(`sendgrid/${file}.yaml`), responsePointer(path));

/** Every GET route of the emulator → [spec file, spec path, request paths]. */
type SgUrls = (a: SendGridAccount, exportIds: string[]) => string[];
const SG_SERVED: Record<string, [SgFile, string, SgUrls]> = {
  '/v3/scopes': ['tsg_scopes_v3', '/v3/scopes', () => ['/v3/scopes']],
  '/v3/marketing/contacts/count': ['tsg_mc_contacts_v3', '/v3/marketing/contacts/count', () => ['/v3/marketing/contacts/count']],
  '/v3/marketing/contacts': ['tsg_mc_contacts_v3', '/v3/marketing/contacts', () => ['/v3/marketing/contacts']],
  '/v3/marketing/contacts/exports/{id}': ['tsg_mc_contacts_v3', '/v3/marketing/contacts/exports/{id}', (_, ids) => ids.map((id) => `/v3/marketing/contacts/exports/${id}`)],
  '/v3/marketing/contacts/{id}': ['tsg_mc_contacts_v3', '/v3/marketing/contacts/{id}', (a) => a.contacts.slice(0, 5).map((c) => `/v3/marketing/contacts/${c.id}`)],
  '/v3/marketing/lists': ['tsg_mc_lists_v3', '/v3/marketing/lists', () => ['/v3/marketing/lists', '/v3/marketing/lists?page_size=2']],
  '/v3/marketing/lists/{id}': ['tsg_mc_lists_v3', '/v3/marketing/lists/{id}', (a) => a.lists.flatMap((l) => [`/v3/marketing/lists/${l.id}`, `/v3/marketing/lists/${l.id}?contact_sample=true`])],
  '/v3/marketing/lists/{id}/contacts/count': ['tsg_mc_lists_v3', '/v3/marketing/lists/{id}/contacts/count', (a) => a.lists.map((l) => `/v3/marketing/lists/${l.id}/contacts/count`)],
  '/v3/marketing/field_definitions': ['tsg_mc_custom_fields_v3', '/v3/marketing/field_definitions', () => ['/v3/marketing/field_definitions']],
  '/v3/templates': ['tsg_templates_v3', '/v3/templates', () => ['/v3/templates?generations=legacy,dynamic&page_size=200', '/v3/templates?generations=dynamic&page_size=3']],
  '/v3/templates/{id}': ['tsg_templates_v3', '/v3/templates/{template_id}', (a) => a.templates.map((t) => `/v3/templates/${t.id}`)],
  '/v3/templates/{id}/versions/{version_id}': ['tsg_templates_v3', '/v3/templates/{template_id}/versions/{version_id}', (a) => a.templates.flatMap((t) => t.versions.map((v) => `/v3/templates/${t.id}/versions/${v.id}`))],
  '/v3/asm/groups': ['tsg_suppressions_v3', '/v3/asm/groups', () => ['/v3/asm/groups']],
  '/v3/asm/groups/{id}': ['tsg_suppressions_v3', '/v3/asm/groups/{group_id}', (a) => a.groups.map((g) => `/v3/asm/groups/${g.id}`)],
  '/v3/asm/groups/{id}/suppressions': ['tsg_suppressions_v3', '/v3/asm/groups/{group_id}/suppressions', (a) => a.groups.map((g) => `/v3/asm/groups/${g.id}/suppressions`)],
  '/v3/asm/suppressions': ['tsg_suppressions_v3', '/v3/asm/suppressions', () => ['/v3/asm/suppressions']],
  ...Object.fromEntries(SUPPRESSION_KINDS.map((k) => [`/v3/suppression/${k}`, ['tsg_suppressions_v3', `/v3/suppression/${k}`, () => [`/v3/suppression/${k}`, `/v3/suppression/${k}?limit=3&offset=2`]]])),
};

const SG_ACCOUNT = { seed: 5, contacts: 40, lists: 20, customFields: 3, templates: 24, legacyTemplates: 6, groups: 20, suppressions: 30 };
/**
 * Choice points never exercised, by design: contacts are not in spec mode; identity, relationship
 * and paging fields are always the emulator's; a field one view of a record requires is in every
 * view of it (views agree): group name/description (the list requires them), version
 * name/subject (the version detail does). Reserved field names are the export's columns.
 */
const SG_BY_DESIGN = [
  /^\/v3\/marketing\/contacts/, /\/contacts\/count\//, /\/contact_sample\//, /\/_metadata(\/|\|)/,
  /\/(id|contact_count|result|versions|active|template_id|email|unsubscribes)\|absent$/,
  /^\/v3\/marketing\/field_definitions\/reserved_fields\/\[\]\/name\|absent$/,
  /^\/v3\/asm\/groups\/\{group_id\}\/(name|description)\|absent$/, /\/versions\/\[\]\/(name|subject)\|absent$/,
];
type SgServed = Map<string, { file: SgFile; path: string; status: number; text: string }>;

async function sgFetchAll(em: SendGridEmulator, exportIds: string[]): Promise<SgServed> {
  const out: SgServed = new Map();
  for (const [file, path, urls] of Object.values(SG_SERVED)) {
    for (const url of urls(em.account, exportIds)) {
      const res = await sgGet(em, url);
      out.set(url, { file, path, status: res.status, text: JSON.stringify(res.body).replaceAll(em.url, 'http://emulator') });
    }
  }
  return out;
}

describe('SendGrid emulator in spec-shapes mode', () => {
  let em: SendGridEmulator;
  let served: SgServed;
  beforeAll(async () => {
    em = await startSendGridEmulator({ account: generateSendGridAccount(SG_ACCOUNT), rateLimit: { limit: 1_000_000, windowSeconds: 1 }, exportReadyAfterPolls: 0, specShapes: { seed: 11 } });
    const exportIds = [(await call(em, '/v3/marketing/contacts/exports', { method: 'POST', body: {} })).body.id];
    served = await sgFetchAll(em, exportIds);
  });
  afterAll(() => em.close());

  it('maps every GET route of the emulator to a spec schema', () => {
    expect(SG_ROUTES.filter((r) => r.method === 'GET').map((r) => r.template).filter((t) => !(t in SG_SERVED))).toEqual([]);
  });

  it('answers every route with bodies valid against the spec', () => {
    for (const [url, { file, path, status, text }] of served) {
      expect(status, url).toBe(200);
      const validate = sgValidator(file, path);
      expect(validate(JSON.parse(text)) ? [] : validate.errors, url).toEqual([]);
    }
  });

  it('covers every branch, type, enum value and optional property of the served schemas', () => {
    const byPath = new Map<string, { file: SgFile; path: string; bodies: unknown[] }>();
    for (const { file, path, text } of served.values()) {
      const entry = byPath.get(path) ?? { file, path, bodies: [] };
      entry.bodies.push(JSON.parse(text));
      byPath.set(path, entry);
    }
    const missing = [...byPath.values()].flatMap(({ file, path, bodies }) => uncovered(sgSchema(file, path), bodies).map((p) => `${path}${p}`));
    expect(missing.filter((p) => !SG_BY_DESIGN.some((re) => re.test(p)))).toEqual([]);
    const version = choicePoints(sgSchema('tsg_templates_v3', '/v3/templates/{template_id}/versions/{version_id}'));
    expect(version).toEqual(expect.arrayContaining(['/active|enum=0', '/active|enum=1', '/editor|enum="design"', '/html_content|absent', '/plain_content|absent', '/test_data|absent']));
    expect(choicePoints(sgSchema('tsg_suppressions_v3', '/v3/suppression/bounces'))).toEqual(expect.arrayContaining(['/[]/created|absent', '/[]/reason|absent', '/[]/status|present']));
    const bounces = em.specRecords!.bounces.map((b) => b.created).filter((c) => typeof c === 'number');
    expect(bounces.some((c) => !Number.isInteger(c))).toBe(true); // bounces' `created` is a JSON number, fractions allowed
  });

  it('serves hostile-but-valid values in every kind', () => {
    const r = em.specRecords!;
    for (const kind of ['lists', 'templates', 'versions', 'groups', 'bounces', 'blocks', 'spam_reports', 'invalid_emails'] as const) {
      expect([...hostility(r[kind])], kind).toEqual(expect.arrayContaining(STRINGY));
    }
    expect(hostility(r.versions).has('very-long')).toBe(true);
    for (const kind of ['unsubscribes', 'groupSuppressions', 'bounces'] as const) expect([...hostility(r[kind])], kind).toEqual(expect.arrayContaining(['edge-number', 'unknown-key']));
    for (const kind of ['customFields', 'reservedFields'] as const) expect(hostility(r[kind]).has('unknown-key'), kind).toBe(true);
    expect(r.scopes.some((x, i) => (x.scopes as string[]).length > em.account.apiKeys[i]!.scopes.length)).toBe(true);
  });

  it('pages through lists, templates and suppressions yielding each record once, details agreeing', async () => {
    const a = em.account;
    const pages = async (url: string) => {
      const out: any[] = [];
      for (let next: string | undefined = url; next;) {
        const res = await sgGet(em, next);
        out.push(...res.body.result);
        next = res.body._metadata?.next;
      }
      return out;
    };
    const lists = await pages('/v3/marketing/lists?page_size=2');
    expect(lists.map((l) => l.id)).toEqual(a.lists.map((l) => l.id));
    const listTruth = new Map(em.specRecords!.lists.map((l) => [l.id, l]));
    for (const l of lists) {
      const detail = (await sgGet(em, `/v3/marketing/lists/${l.id}`)).body;
      expect(detail).toEqual(l);
      expect(l.contact_count).toBe(a.lists.find((x) => x.id === l.id)!.contact_ids.length);
      for (const [k, v] of Object.entries(l)) if (k !== '_metadata') expect(listTruth.get(l.id)![k]).toEqual(v);
    }
    const templates = await pages('/v3/templates?generations=legacy,dynamic&page_size=3');
    expect(templates.map((t) => t.id)).toEqual(a.templates.map((t) => t.id));
    expect((await pages('/v3/templates?generations=dynamic&page_size=4')).every((t) => t.generation === 'dynamic')).toBe(true);
    const versionTruth = new Map(em.specRecords!.versions.map((v) => [v.id, v]));
    for (const t of templates) {
      const detail = (await sgGet(em, `/v3/templates/${t.id}`)).body;
      for (const [k, v] of Object.entries(t)) expect(detail[k], `${t.id} ${k}`).toEqual(v);
      expect(detail.versions.filter((v: any) => v.active === 1)).toHaveLength(1);
      expect(detail.versions.map((v: any) => v.id)).toEqual(a.templates.find((x) => x.id === t.id)!.versions.map((v) => v.id));
      for (const v of detail.versions) {
        const full = (await sgGet(em, `/v3/templates/${t.id}/versions/${v.id}`)).body;
        for (const [k, value] of Object.entries(v)) expect(full[k], `${v.id} ${k}`).toEqual(value);
        expect(full).toEqual(versionTruth.get(v.id));
      }
    }
    for (const kind of SUPPRESSION_KINDS) {
      const rows: any[] = [];
      for (let offset = 0; ; offset += 4) {
        const page = (await sgGet(em, `/v3/suppression/${kind}?limit=4&offset=${offset}`)).body;
        rows.push(...page);
        if (page.length < 4) break;
      }
      expect(rows.map((r) => r.email)).toEqual(a.suppressions[kind].map((r) => r.email));
      expect(rows).toEqual(em.specRecords![kind]);
    }
  });

  it('keeps groups, field definitions and scopes consistent with the account', async () => {
    const a = em.account;
    const groups = (await sgGet(em, '/v3/asm/groups')).body as any[];
    expect(groups.map((g) => g.id)).toEqual(a.groups.map((g) => g.id));
    for (const g of groups) {
      const detail = (await sgGet(em, `/v3/asm/groups/${g.id}`)).body;
      for (const [k, v] of Object.entries(detail)) expect(g[k], `${g.id} ${k}`).toEqual(v);
      expect((await sgGet(em, `/v3/asm/groups/${g.id}/suppressions`)).body).toEqual(a.groups.find((x) => x.id === g.id)!.suppressions.map((x) => x.email));
    }
    const names = new Map(groups.map((g) => [g.id, g.name]));
    for (const row of (await sgGet(em, '/v3/asm/suppressions')).body) expect(row.group_name).toBe(names.get(row.group_id));
    const fields = (await sgGet(em, '/v3/marketing/field_definitions')).body;
    expect(fields.custom_fields.map((f: any) => [f.id, f.name, f.field_type])).toEqual(a.customFields.map((f) => [f.id, f.name, f.field_type]));
    for (const key of a.apiKeys) expect((await sgGet(em, '/v3/scopes', key.token)).body.scopes).toEqual(expect.arrayContaining(key.scopes));
    expect((await sgGet(em, '/v3/templates?generations=dynamic&page_size=2', a.apiKeys[1]!.token)).status).toBe(403); // scopes still enforced
  });

  it('leaves contacts and their exports as they are', async () => {
    const plain = await startSendGridEmulator({ account: em.account, exportReadyAfterPolls: 0 });
    try {
      expect(plain.specRecords).toBeUndefined();
      const normalize = (e: SendGridEmulator, body: unknown) => JSON.stringify(body).replaceAll(e.url, 'http://emulator');
      for (const url of ['/v3/marketing/contacts', `/v3/marketing/contacts/${em.account.contacts[0]!.id}`, `/v3/marketing/lists/${em.account.lists[0]!.id}/contacts/count`]) {
        expect(normalize(em, (await sgGet(em, url)).body)).toBe(normalize(plain, (await sgGet(plain, url)).body));
      }
      const [mine, theirs] = await Promise.all([runExport(em, { file_type: 'csv' }), runExport(plain, { file_type: 'csv' })]);
      expect(await download(mine.urls[0])).toBe(await download(theirs.urls[0]));
    } finally {
      await plain.close();
    }
  });

  it('gives the same bytes for the same seed and other bytes for another', async () => {
    const account = generateSendGridAccount(SG_ACCOUNT);
    const options = { account, rateLimit: { limit: 1_000_000, windowSeconds: 1 }, exportReadyAfterPolls: 0 };
    const same = await startSendGridEmulator({ ...options, specShapes: { seed: 11 } });
    const other = await startSendGridEmulator({ ...options, specShapes: { seed: 12 } });
    try {
      const again = await sgFetchAll(same, []);
      expect([...again].filter(([url, r]) => r.text !== served.get(url)!.text).map(([url]) => url)).toEqual([]);
      // Contacts, counts and groups' address lists are not sampled; everything else should change with the seed.
      const sampled = [...again.keys()].filter((u) => !/^\/v3\/marketing\/contacts|\/contacts\/count$|^\/v3\/asm\/groups\/\d+\/suppressions$/.test(u.split('?')[0]!));
      const otherServed = await sgFetchAll(other, []);
      expect(sampled.filter((u) => otherServed.get(u)!.text !== served.get(u)!.text).length).toBeGreaterThan(sampled.length * 0.8);
    } finally {
      await Promise.all([same.close(), other.close()]);
    }
  });
});
