/**
 * Spec-shapes mode for the Mailgun emulator (see emulators/shared/spec-shapes.ts): which spec
 * schema each kind and route is sampled from, and what stays the emulator's own: domain ids and
 * names, list addresses and member counts, member addresses, template ids and names,
 * suppression and allowlist addresses (every pivot the paging runs on), the paging envelope and
 * the detail wrappers (`{domain}`, `{template}`). A member's `subscribed` as served is copied back
 * into the emulator's own copy of the account, so `?subscribed=` agrees with what is served.
 */
import { accepts, itemsOf, loadSpec, mergeViews, resolveSchema, responsePointer, type Schema } from '../shared/spec-schema.js';
import { SpecRecordSet, type JsonObject, type SpecShapesOptions } from '../shared/spec-shapes.js';
import type { MailgunAccount } from './model.js';

export type MailgunSpecKind = 'domains' | 'dnsRecords' | 'lists' | 'members' | 'templates' | 'bounces' | 'unsubscribes' | 'complaints' | 'allowlist';
/** Kind → the records as served (each the union of its views), in account order. */
export type MailgunSpecRecords = Record<MailgunSpecKind, JsonObject[]> & {
  /** Per kind, the key of each record (same order): `<list>|<address>` for members, `<domain>|<address>` for suppressions, the domain name for DNS records. */
  keys: Record<MailgunSpecKind, string[]>;
};

const response = (path: string) => resolveSchema(loadSpec('mailgun/openapi.yaml'), responsePointer(path));
/** The object branch of an `anyOf: [object, null]`. */
const objectBranch = (s: Schema): Schema => (s.anyOf ?? s.oneOf ?? [s]).find((b: Schema) => b.type === 'object' || b.properties)!;

/**
 * A version's `headers` is `additionalProperties: {type: string}`, which the shared sampler does
 * not read (it would serve free-form objects with numbers in them): the header names the spec
 * describes are given as properties, so they come up, and values that are not strings are
 * dropped after sampling (fitAdditional).
 */
const HEADER_NAMES = ['From', 'Subject', 'Reply-To'];
function withHeaderNames(s: Schema): Schema {
  const walk = (node: any): any => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Schema = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, x]) => [p, walk(x)])) : walk(v)]));
    if (out.properties?.headers?.additionalProperties && !out.properties.headers.properties) {
      out.properties.headers = { ...out.properties.headers, properties: Object.fromEntries(HEADER_NAMES.map((h) => [h, out.properties.headers.additionalProperties])) };
    }
    return out;
  };
  return walk(s);
}

/** Drops the extra properties a schema's `additionalProperties` refuses, at any depth. */
function fitAdditional(value: unknown, schema: Schema | undefined): unknown {
  if (!schema || !value || typeof value !== 'object') return value;
  const branches: Schema[] = schema.anyOf ?? schema.oneOf ?? [schema];
  if (Array.isArray(value)) {
    const items = branches.find((b) => b.items)?.items;
    return items ? value.map((v) => fitAdditional(v, items)) : value;
  }
  const branch = branches.find((b) => b.properties || b.additionalProperties) ?? schema;
  const properties: Schema = branch.properties ?? {};
  const extra = branch.additionalProperties;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value as JsonObject)) {
    if (Object.hasOwn(properties, k)) out[k] = fitAdditional(v, properties[k]);
    else if (extra === undefined || extra === true || (typeof extra === 'object' && accepts(extra, v))) out[k] = v;
  }
  return out;
}

function schemas() {
  const domainItem = itemsOf(response('/v4/domains'), 'items');
  const detail = response('/v4/domains/{name}');
  const domainDetail = objectBranch(detail.properties.domain);
  const templateItem = withHeaderNames(itemsOf(response('/v3/{domain_name}/templates'), 'items'));
  const templateDetail = withHeaderNames(objectBranch(response('/v3/{domain_name}/templates/{template_name}').properties.template));
  return {
    domainItem, domainDetail,
    dnsRecords: { type: 'object', properties: { sending_dns_records: detail.properties.sending_dns_records, receiving_dns_records: detail.properties.receiving_dns_records } } as Schema,
    list: itemsOf(response('/v3/lists/pages'), 'items'),
    member: itemsOf(response('/v3/lists/{list_address}/members/pages'), 'items'),
    templateItem, templateDetail,
    bounces: itemsOf(response('/v3/{domain_name}/bounces'), 'items'),
    unsubscribes: itemsOf(response('/v3/{domain_name}/unsubscribes'), 'items'),
    complaints: itemsOf(response('/v3/{domain_name}/complaints'), 'items'),
    allowlist: itemsOf(response('/v3/{domain_name}/whitelists'), 'items'),
    masters: { domains: mergeViews([domainDetail, domainItem]), templates: mergeViews([templateDetail, templateItem]) },
  };
}

const IDENTITY: Record<MailgunSpecKind, string[]> = {
  domains: ['id', 'name'], dnsRecords: [], lists: ['address', 'members_count'], members: ['address'], templates: ['id', 'name'],
  bounces: ['address'], unsubscribes: ['address'], complaints: ['address'], allowlist: ['value'],
};

export interface MailgunSpecShapes {
  /** The account the emulator serves from: the given one with each member's `subscribed` as served. */
  account: MailgunAccount;
  records: MailgunSpecRecords;
  /** A route's response in spec shape (`params` as the route matched them, still URL-encoded); routes without a view pass through. */
  serve(template: string, params: string[], body: unknown): unknown;
}

export function mailgunSpecShapes(source: MailgunAccount, options: SpecShapesOptions): MailgunSpecShapes {
  const s = schemas();
  const set = new SpecRecordSet(options);
  const account = structuredClone(source);
  const records = { keys: {} } as MailgunSpecRecords;
  const masterOf: Record<MailgunSpecKind, Schema> = {
    domains: s.masters.domains, dnsRecords: s.dnsRecords, lists: s.list, members: s.member, templates: s.masters.templates,
    bounces: s.bounces, unsubscribes: s.unsubscribes, complaints: s.complaints, allowlist: s.allowlist,
  };
  const build = (kind: MailgunSpecKind, refs: Array<[string, JsonObject]>) => {
    const built = set.build(kind, masterOf[kind], IDENTITY[kind], refs);
    // The masters are what every view projects: fitted once, here, so all views agree.
    built.forEach((record, i) => set.masters.get(kind)!.set(refs[i]![0], fitAdditional(record, masterOf[kind]) as JsonObject));
    records[kind] = refs.map(([key]) => set.get(kind, key)!);
    records.keys[kind] = refs.map(([key]) => key);
  };
  build('domains', account.domains.map((d) => [d.name, { id: d.id, name: d.name }]));
  build('dnsRecords', account.domains.map((d) => [d.name, {}]));
  build('lists', account.lists.map((l) => [l.address, { address: l.address, members_count: account.members[l.address]!.length }]));
  build('members', account.lists.flatMap((l) => account.members[l.address]!.map((m) => [`${l.address}|${m.address}`, { address: m.address }] as [string, JsonObject])));
  for (const l of account.lists) {
    for (const m of account.members[l.address]!) {
      const served = set.get('members', `${l.address}|${m.address}`)!.subscribed;
      if (typeof served === 'boolean') m.subscribed = served;
    }
  }
  const perDomain = (kind: 'bounces' | 'unsubscribes' | 'complaints') =>
    build(kind, Object.entries(account.byDomain).flatMap(([domain, data]) => data[kind].map((x) => [`${domain}|${x.address}`, { address: x.address }] as [string, JsonObject])));
  build('templates', Object.values(account.byDomain).flatMap((data) => data.templates.map((t) => [t.id, { id: t.id, name: t.name }] as [string, JsonObject])));
  perDomain('bounces');
  perDomain('unsubscribes');
  perDomain('complaints');
  build('allowlist', Object.entries(account.byDomain).flatMap(([domain, data]) => data.allowlist.map((a) => [`${domain}|${a.value}`, { value: a.value }] as [string, JsonObject])));

  const shape = (kind: MailgunSpecKind, key: string, item: JsonObject, view: Schema) => set.shape(kind, key, item, view, IDENTITY[kind]);
  const page = (body: any, f: (item: JsonObject) => JsonObject) => ({ ...body, items: (body.items ?? []).map(f) });
  const at = (params: string[], i: number) => decodeURIComponent(params[i]!);
  const suppressions = (kind: 'bounces' | 'unsubscribes' | 'complaints') =>
    (params: string[], b: any) => page(b, (x) => shape(kind, `${at(params, 0)}|${x.address}`, x, s[kind]));
  const routes: Record<string, (params: string[], body: any) => unknown> = {
    '/v4/domains': (_, b) => page(b, (d) => shape('domains', String(d.name), d, s.domainItem)),
    '/v4/domains/{name}': (params, b) => ({
      domain: shape('domains', at(params, 0), b.domain, s.domainDetail),
      ...set.get('dnsRecords', at(params, 0)),
    }),
    '/v3/lists/pages': (_, b) => page(b, (l) => shape('lists', String(l.address), l, s.list)),
    '/v3/lists/{list}/members/pages': (params, b) => page(b, (m) => shape('members', `${at(params, 0)}|${m.address}`, m, s.member)),
    '/v3/{domain}/templates': (_, b) => page(b, (t) => shape('templates', String(t.id), t, s.templateItem)),
    '/v3/{domain}/templates/{name}': (_, b) => ({ ...b, template: shape('templates', String(b.template.id), b.template, s.templateDetail) }),
    '/v3/{domain}/bounces': suppressions('bounces'),
    '/v3/{domain}/unsubscribes': suppressions('unsubscribes'),
    '/v3/{domain}/complaints': suppressions('complaints'),
    '/v3/{domain}/whitelists': (params, b) => page(b, (a) => shape('allowlist', `${at(params, 0)}|${a.value}`, a, s.allowlist)),
  };
  return { account, records, serve: (template, params, body) => (routes[template] ? routes[template](params, body) : body) };
}
