/**
 * Spec-shapes mode for the SendGrid emulator (see emulators/shared/spec-shapes.ts): which spec
 * schema each kind and route is sampled from, and what stays the emulator's own: ids, emails,
 * custom field names and types (the export CSV's columns and values depend on them), list
 * counts, template generation (the `generations` filter), which versions a template has and
 * which one is active, group ids and counts, `_metadata` paging links, the key's real scopes.
 * Contacts (JSON reads and export files) are served as usual.
 */
import { itemsOf, loadSpec, mergeViews, resolveSchema, responsePointer, type Schema } from '../shared/spec-schema.js';
import { SpecRecordSet, type JsonObject, type SpecShapesOptions } from '../shared/spec-shapes.js';
import { RESERVED_FIELDS, SUPPRESSION_KINDS, type SendGridAccount, type SendGridApiKeyRecord, type SuppressionKind } from './model.js';
import { versionWire } from './store.js';

export type SendGridSpecKind = 'scopes' | 'customFields' | 'reservedFields' | 'lists' | 'templates' | 'versions' | 'groups' | 'groupSuppressions' | SuppressionKind;
/** Kind → the records as served (each the union of its views), in account order; `templates[].versions` are the full version records. */
export type SendGridSpecRecords = Record<SendGridSpecKind, JsonObject[]>;

const response = (file: string, path: string) => resolveSchema(loadSpec(`sendgrid/${file}.yaml`), responsePointer(path));
const without = (s: Schema, ...keys: string[]) => ({ ...s, properties: Object.fromEntries(Object.entries(s.properties).filter(([k]) => !keys.includes(k))) });

function schemas() {
  const listDetail = response('tsg_mc_lists_v3', '/v3/marketing/lists/{id}');
  const fields = response('tsg_mc_custom_fields_v3', '/v3/marketing/field_definitions');
  const templateDetail = response('tsg_templates_v3', '/v3/templates/{template_id}');
  const templateLean = itemsOf(response('tsg_templates_v3', '/v3/templates'), 'result');
  const versionDetail = response('tsg_templates_v3', '/v3/templates/{template_id}/versions/{version_id}');
  const groupDetail = response('tsg_suppressions_v3', '/v3/asm/groups/{group_id}');
  const groupItem = itemsOf(response('tsg_suppressions_v3', '/v3/asm/groups'));
  return {
    scopes: response('tsg_scopes_v3', '/v3/scopes'),
    customField: itemsOf(fields, 'custom_fields'), reservedField: itemsOf(fields, 'reserved_fields'),
    listItem: itemsOf(response('tsg_mc_lists_v3', '/v3/marketing/lists'), 'result'), listDetail,
    templateLean, templateDetail, versionLean: itemsOf(templateDetail.properties.versions), versionDetail, groupItem, groupDetail,
    groupSuppression: itemsOf(response('tsg_suppressions_v3', '/v3/asm/suppressions')),
    suppressions: Object.fromEntries(SUPPRESSION_KINDS.map((k) => [k, itemsOf(response('tsg_suppressions_v3', `/v3/suppression/${k}`))])) as Record<SuppressionKind, Schema>,
    masters: {
      lists: mergeViews([without(listDetail, 'contact_sample'), itemsOf(response('tsg_mc_lists_v3', '/v3/marketing/lists'), 'result')]),
      templates: without(mergeViews([templateDetail, templateLean]), 'versions'),
      versions: mergeViews([versionDetail, itemsOf(templateDetail.properties.versions)]),
      groups: mergeViews([groupDetail, groupItem]),
    },
  };
}

const IDENTITY = {
  scopes: [], customFields: ['id', 'name', 'field_type'], reservedFields: ['id', 'name'], lists: ['id', 'contact_count', '_metadata', 'contact_sample'],
  templates: ['id', 'generation'], versions: ['id', 'template_id', 'active'], groups: ['id', 'unsubscribes'], groupSuppressions: ['email', 'group_id', 'group_name'],
  suppression: ['email'],
} as const;

export interface SendGridSpecShapes {
  records: SendGridSpecRecords;
  /** GET /v3/scopes: the key's scopes (which the emulator enforces) plus the spec sample's. */
  scopes(key: SendGridApiKeyRecord): JsonObject;
  serve(template: string, body: unknown): unknown;
}

export function sendgridSpecShapes(account: SendGridAccount, options: SpecShapesOptions): SendGridSpecShapes {
  const s = schemas();
  const set = new SpecRecordSet(options);
  const records = {} as SendGridSpecRecords;
  const scopes = set.build('scopes', s.scopes, [], account.apiKeys.map((k) => [k.id, {}]));
  records.scopes = account.apiKeys.map((k, i) => ({ ...scopes[i], scopes: [...new Set([...k.scopes, ...((scopes[i]!.scopes as string[] | undefined) ?? [])])] }));
  records.customFields = set.build('customFields', s.customField, IDENTITY.customFields, account.customFields.map((f) => [f.id, { ...f }]));
  records.reservedFields = set.build('reservedFields', s.reservedField, IDENTITY.reservedFields, RESERVED_FIELDS.map((f) => [f.name, { ...f }]));
  records.lists = set.build('lists', s.masters.lists, IDENTITY.lists, account.lists.map((l) => [l.id, { id: l.id, contact_count: l.contact_ids.length }]));
  const versions = set.build('versions', s.masters.versions, IDENTITY.versions, account.templates.flatMap((t) => t.versions.map((v) => [v.id, versionWire(v)] as [string, JsonObject])));
  records.versions = versions;
  records.templates = set.build('templates', s.masters.templates, IDENTITY.templates, account.templates.map((t) => [t.id, { id: t.id, generation: t.generation }]))
    .map((t, i) => ({ ...t, versions: account.templates[i]!.versions.map((v) => set.get('versions', v.id)) }));
  records.groups = set.build('groups', s.masters.groups, IDENTITY.groups, account.groups.map((g) => [String(g.id), { id: g.id, unsubscribes: g.suppressions.length }]));
  const groupName = (id: number) => set.get('groups', String(id))?.name;
  records.groupSuppressions = set.build('groupSuppressions', s.groupSuppression, IDENTITY.groupSuppressions,
    account.groups.flatMap((g) => g.suppressions.map((x) => [`${g.id}|${x.email}`, { email: x.email, group_id: g.id, group_name: groupName(g.id) ?? g.name }] as [string, JsonObject])));
  for (const kind of SUPPRESSION_KINDS) {
    records[kind] = set.build(kind, s.suppressions[kind], IDENTITY.suppression, account.suppressions[kind].map((r) => [r.email, { email: r.email }]));
  }

  const shape = (kind: string, key: unknown, item: JsonObject, view: Schema, identity: readonly string[]) => set.shape(kind, String(key), item, view, identity);
  const template = (t: JsonObject, view: Schema, versionView: Schema) => ({
    ...shape('templates', t.id, t, view, IDENTITY.templates),
    versions: ((t.versions ?? []) as JsonObject[]).map((v) => shape('versions', v.id, v, versionView, IDENTITY.versions)),
  });
  const each = (body: unknown, f: (item: JsonObject) => JsonObject) => (body as JsonObject[]).map(f);
  const routes: Record<string, (b: any) => unknown> = {
    '/v3/marketing/field_definitions': (b) => ({
      ...b, custom_fields: each(b.custom_fields, (f) => shape('customFields', f.id, f, s.customField, IDENTITY.customFields)),
      reserved_fields: each(b.reserved_fields, (f) => shape('reservedFields', f.name, f, s.reservedField, IDENTITY.reservedFields)),
    }),
    '/v3/marketing/lists': (b) => ({ ...b, result: each(b.result, (l) => shape('lists', l.id, l, s.listItem, IDENTITY.lists)) }),
    '/v3/marketing/lists/{id}': (b) => shape('lists', b.id, b, s.listDetail, IDENTITY.lists),
    '/v3/templates': (b) => ({ ...b, result: each(b.result, (t) => template(t, s.templateLean, s.versionLean)) }),
    '/v3/templates/{id}': (b) => template(b, s.templateDetail, s.versionLean),
    '/v3/templates/{id}/versions/{version_id}': (b) => shape('versions', b.id, b, s.versionDetail, IDENTITY.versions),
    '/v3/asm/groups': (b) => each(b, (g) => shape('groups', g.id, g, s.groupItem, IDENTITY.groups)),
    '/v3/asm/groups/{id}': (b) => shape('groups', b.id, b, s.groupDetail, IDENTITY.groups),
    '/v3/asm/suppressions': (b) => each(b, (x) => shape('groupSuppressions', `${x.group_id}|${x.email}`, { ...x, group_name: groupName(x.group_id as number) ?? x.group_name }, s.groupSuppression, IDENTITY.groupSuppressions)),
    ...Object.fromEntries(SUPPRESSION_KINDS.map((k) => [`/v3/suppression/${k}`, (b: unknown) => each(b, (x) => shape(k, x.email, x, s.suppressions[k], IDENTITY.suppression))])),
  };
  const scopeIndex = new Map(account.apiKeys.map((k, i) => [k.id, records.scopes[i]!]));
  return {
    records,
    scopes: (key) => scopeIndex.get(key.id) ?? { scopes: key.scopes },
    serve: (t, body) => (routes[t] ? routes[t](body) : body),
  };
}
