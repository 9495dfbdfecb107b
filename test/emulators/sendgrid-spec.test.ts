/**
 * Every GET the SendGrid emulator serves, validated against the 200 schema of SendGrid's official
 * OpenAPI 3.1 specs (one file per area; JSON Schema 2020-12; additional properties allowed as the
 * specs do not forbid them; formats not checked, as in the Resend spec test). A few spec types
 * are stricter than the API; RELAXATIONS lists each one with its reason.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSendGridAccount } from '../../emulators/sendgrid/generator.js';
import type { SendGridAccount } from '../../emulators/sendgrid/model.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import { call, get } from './sendgrid-helpers.js';

const FILES = ['tsg_scopes_v3', 'tsg_mc_contacts_v3', 'tsg_mc_lists_v3', 'tsg_mc_custom_fields_v3', 'tsg_templates_v3', 'tsg_suppressions_v3'] as const;
type SpecFile = (typeof FILES)[number];
const specs = Object.fromEntries(FILES.map((f) => [f, parse(readFileSync(new URL(`../../emulators/specs/sendgrid/${f}.yaml`, import.meta.url), 'utf8'))])) as Record<SpecFile, any>;

/** Spec file → spec GET path → concrete request paths (export jobs are created in beforeAll). */
type Urls = (a: SendGridAccount, ctx: { exportIds: string[] }) => string[];
const SERVED: Record<SpecFile, Record<string, Urls>> = {
  tsg_scopes_v3: { '/v3/scopes': () => ['/v3/scopes'] },
  tsg_mc_contacts_v3: {
    '/v3/marketing/contacts': () => ['/v3/marketing/contacts'],
    '/v3/marketing/contacts/{id}': (a) => a.contacts.slice(0, 8).map((c) => `/v3/marketing/contacts/${c.id}`),
    '/v3/marketing/contacts/count': () => ['/v3/marketing/contacts/count'],
    // Polled twice each: the first answer is pending, the second ready.
    '/v3/marketing/contacts/exports/{id}': (_, c) => c.exportIds.flatMap((id) => [`/v3/marketing/contacts/exports/${id}`, `/v3/marketing/contacts/exports/${id}`]),
  },
  tsg_mc_lists_v3: {
    '/v3/marketing/lists': () => ['/v3/marketing/lists', '/v3/marketing/lists?page_size=1'],
    '/v3/marketing/lists/{id}': (a) => a.lists.flatMap((l) => [`/v3/marketing/lists/${l.id}`, `/v3/marketing/lists/${l.id}?contact_sample=true`]),
    '/v3/marketing/lists/{id}/contacts/count': (a) => a.lists.map((l) => `/v3/marketing/lists/${l.id}/contacts/count`),
  },
  tsg_mc_custom_fields_v3: { '/v3/marketing/field_definitions': () => ['/v3/marketing/field_definitions'] },
  tsg_templates_v3: {
    '/v3/templates': () => ['/v3/templates?page_size=200', '/v3/templates?generations=dynamic&page_size=2', '/v3/templates?generations=legacy,dynamic&page_size=200'],
    '/v3/templates/{template_id}': (a) => a.templates.map((t) => `/v3/templates/${t.id}`),
    '/v3/templates/{template_id}/versions/{version_id}': (a) => a.templates.flatMap((t) => t.versions.map((v) => `/v3/templates/${t.id}/versions/${v.id}`)),
  },
  tsg_suppressions_v3: {
    '/v3/asm/groups': () => ['/v3/asm/groups'],
    '/v3/asm/groups/{group_id}': (a) => a.groups.map((g) => `/v3/asm/groups/${g.id}`),
    '/v3/asm/groups/{group_id}/suppressions': (a) => a.groups.map((g) => `/v3/asm/groups/${g.id}/suppressions`),
    '/v3/asm/suppressions': () => ['/v3/asm/suppressions'],
    '/v3/suppression/blocks': () => ['/v3/suppression/blocks', '/v3/suppression/blocks?limit=2&offset=1'],
    '/v3/suppression/bounces': () => ['/v3/suppression/bounces', '/v3/suppression/bounces?limit=2'],
    '/v3/suppression/spam_reports': () => ['/v3/suppression/spam_reports'],
    '/v3/suppression/unsubscribes': () => ['/v3/suppression/unsubscribes'],
    '/v3/suppression/invalid_emails': () => ['/v3/suppression/invalid_emails'],
  },
};

/** GET paths of the same files a migration does not need, so not emulated. */
const NOT_EMULATED = new Set([
  '/v3/marketing/contacts/exports', // listing past jobs; a connector polls its own job id
  '/v3/marketing/contacts/imports/{id}', // write-side bookkeeping
  '/v3/asm/suppressions/{email}', '/v3/asm/suppressions/global/{email}', // single-address lookups
  '/v3/suppression/blocks/{email}', '/v3/suppression/bounces/{email}', '/v3/suppression/spam_reports/{email}', '/v3/suppression/invalid_emails/{email}',
  '/v3/suppression/bounces/classifications', '/v3/suppression/bounces/classifications/{classification}', // stats, not data
]);

/** Where the spec is stricter than the API: [file, JSON pointer, edit, reason]. */
const RELAXATIONS: Array<[SpecFile, string, (node: any) => void, string]> = [
  ['tsg_templates_v3', '/components/schemas/TransactionalTemplatesTemplateLean/properties/id', (n) => { delete n.minLength; delete n.maxLength; }, 'dynamic ids are d- + 32 hex (34 chars), not 36-char UUIDs (sendgrid.md §4)'],
  ['tsg_templates_v3', '/components/schemas/TransactionalTemplate/properties/id', (n) => { delete n.minLength; delete n.maxLength; }, 'as above'],
];

const at = (node: any, pointer: string) => pointer.split('/').slice(1).reduce((n, key) => n?.[key], node);
for (const [file, pointer, edit] of RELAXATIONS) {
  const node = at(specs[file], pointer);
  if (!node) throw new Error(`spec changed: ${file}${pointer} is gone; revisit RELAXATIONS`);
  edit(node);
}

const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateSchema: false });
for (const f of FILES) ajv.addSchema({ $id: f, components: specs[f].components, paths: specs[f].paths });

const escape = (key: string) => encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
function validatorFor(file: SpecFile, specPath: string) {
  if (!specs[file].paths[specPath]?.get?.responses?.['200']?.content?.['application/json']?.schema) throw new Error(`no 200 JSON schema for GET ${specPath}`);
  return ajv.compile({ $ref: `${file}#/paths/${escape(specPath)}/get/responses/200/content/application~1json/schema` });
}

describe('SendGrid OpenAPI spec coverage', () => {
  it.each(FILES)('names every GET path of %s as served or deliberately not emulated', (file) => {
    const gets = Object.keys(specs[file].paths).filter((p) => specs[file].paths[p].get);
    expect(gets.filter((p) => !(p in SERVED[file]) && !NOT_EMULATED.has(p))).toEqual([]);
    expect(Object.keys(SERVED[file]).filter((p) => !gets.includes(p))).toEqual([]);
  });

  it('rejects bodies that break the schema (the validator is live)', () => {
    expect(validatorFor('tsg_suppressions_v3', '/v3/suppression/blocks')([{ email: 'a@b.co', created: 'yesterday' }])).toBe(false);
    expect(validatorFor('tsg_mc_lists_v3', '/v3/marketing/lists')({ result: [{ id: 'short' }] })).toBe(false);
  });
});

describe('SendGrid emulator responses match the spec', () => {
  let em: SendGridEmulator;
  const ctx = { exportIds: [] as string[] };
  beforeAll(async () => {
    const account = generateSendGridAccount({ seed: 21, contacts: 120, lists: 3, customFields: 2, unicodeShare: 0.3, invalidShare: 0.05 });
    em = await startSendGridEmulator({ account, rateLimit: { limit: 100_000, windowSeconds: 1 } });
    for (const body of [{}, { list_ids: [account.lists[0]!.id], file_type: 'json' }]) {
      ctx.exportIds.push((await call(em, '/v3/marketing/contacts/exports', { method: 'POST', body })).body.id);
    }
  });
  afterAll(() => em.close());

  const cases = FILES.flatMap((file) => Object.keys(SERVED[file]).map((specPath) => [file, specPath] as const));
  it.each(cases)('%s GET %s', async (file, specPath) => {
    const urls = SERVED[file][specPath]!(em.account, ctx);
    expect(urls.length).toBeGreaterThan(0);
    const validate = validatorFor(file, specPath);
    for (const url of urls) {
      const res = await get(em, url);
      expect(res.status, url).toBe(200);
      expect(validate(res.body) ? [] : validate.errors, url).toEqual([]);
    }
  });
});
