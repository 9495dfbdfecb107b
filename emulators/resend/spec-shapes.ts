/**
 * Spec-shapes mode for the Resend emulator (see emulators/shared/spec-shapes.ts): which spec
 * schema each kind and route is sampled from, and which fields stay the emulator's own (ids,
 * contact emails, a contact's property values and topic choices, template aliases, the envelope).
 * Fields the emulator's own logic reads (suppression origin for `?origin=`, a topic's default
 * subscription for contacts without a choice, a property's type on contacts) are copied back
 * into an internal copy of the account, so filters and relationships agree with what is served.
 */
import { itemsOf, loadSpec, mergeViews, resolveSchema, type Schema } from '../shared/spec-schema.js';
import { SpecRecordSet, type JsonObject, type SpecShapesOptions } from '../shared/spec-shapes.js';
import type { ResendAccount } from './model.js';
import * as wire from './serializers.js';

export type ResendSpecKind = 'domains' | 'apiKeys' | 'lists' | 'contacts' | 'audienceContacts' | 'contactProperties' | 'topics' | 'templates' | 'suppressions';
/** Kind → the records as served (each the union of its views), in account order. */
export type ResendSpecRecords = Record<ResendSpecKind, JsonObject[]>;

const schema = (name: string) => resolveSchema(loadSpec('resend/openapi.yaml'), `#/components/schemas/${name}`);
const items = (name: string) => itemsOf(schema(name), 'data');

const IDENTITY: Record<ResendSpecKind, string[]> = {
  domains: ['object', 'id'], apiKeys: ['id'], lists: ['object', 'id'],
  contacts: ['object', 'id', 'email', 'properties'], audienceContacts: ['object', 'id', 'email', 'properties'],
  contactProperties: ['object', 'id', 'key'], topics: ['object', 'id'], templates: ['object', 'id', 'alias'], suppressions: ['object', 'id', 'email'],
};

interface View { kinds: ResendSpecKind[]; list: boolean; schema: Schema; identity: string[] }
const view = (kinds: ResendSpecKind[], list: boolean, s: Schema, extra: string[] = []): View => ({ kinds, list, schema: s, identity: [...IDENTITY[kinds[0]!], ...extra] });

function buildViews(): Record<string, View> {
  const contacts: ResendSpecKind[] = ['contacts', 'audienceContacts'];
  const contactList = view(contacts, true, items('ListContactsResponseSuccess'));
  const contactDetail = view(contacts, false, schema('GetContactResponseSuccess'));
  return {
    '/domains': view(['domains'], true, items('ListDomainsResponse')),
    '/domains/{id}': view(['domains'], false, schema('Domain')),
    '/api-keys': view(['apiKeys'], true, items('ListApiKeysResponse')),
    '/audiences': view(['lists'], true, items('ListAudiencesResponseSuccess')),
    '/audiences/{id}': view(['lists'], false, schema('GetAudienceResponseSuccess')),
    '/audiences/{id}/contacts': contactList,
    '/audiences/{id}/contacts/{contact}': contactDetail,
    '/segments': view(['lists'], true, items('ListSegmentsResponseSuccess')),
    '/segments/{id}': view(['lists'], false, schema('GetSegmentResponseSuccess')),
    '/segments/{id}/contacts': contactList,
    '/contacts': contactList,
    '/contacts/{id}': contactDetail,
    '/contacts/{id}/segments': view(['lists'], true, items('ListContactSegmentsResponseSuccess')),
    '/contacts/{id}/topics': view(['topics'], true, items('GetContactTopicsResponseSuccess'), ['subscription']),
    '/contact-properties': view(['contactProperties'], true, items('ListContactPropertiesResponseSuccess')),
    '/contact-properties/{id}': view(['contactProperties'], false, schema('GetContactPropertyResponseSuccess')),
    '/topics': view(['topics'], true, items('ListTopicsResponseSuccess')),
    '/topics/{id}': view(['topics'], false, schema('GetTopicResponseSuccess')),
    '/templates': view(['templates'], true, items('ListTemplatesResponseSuccess')),
    '/templates/{id}': view(['templates'], false, schema('Template')),
    '/suppressions': view(['suppressions'], true, items('ListSuppressionsResponseSuccess')),
    '/suppressions/{id}': view(['suppressions'], false, schema('GetSuppressionResponseSuccess')),
  };
}

/** A kind's master schema: the union of its views, without fields that belong to a context (a contact's subscription). */
function masterSchema(views: Record<string, View>, kind: ResendSpecKind): Schema {
  const merged = mergeViews(Object.values(views).filter((v) => v.kinds.includes(kind)).map((v) => v.schema));
  if (kind === 'topics') delete merged.properties.subscription;
  return merged;
}

export interface ResendSpecShapes {
  /** The account the emulator indexes: the given one with origin, default subscription and property types as served. */
  account: ResendAccount;
  records: ResendSpecRecords;
  /** A route's response in spec shape; routes without a view pass through. */
  serve(template: string, body: unknown): unknown;
}

export function resendSpecShapes(source: ResendAccount, options: SpecShapesOptions): ResendSpecShapes {
  const views = buildViews();
  const set = new SpecRecordSet(options);
  const build = (kind: ResendSpecKind, refs: Array<[string, JsonObject]>) => set.build(kind, masterSchema(views, kind), IDENTITY[kind], refs);
  const account = structuredClone(source);
  const records = {} as ResendSpecRecords;
  records.domains = build('domains', account.domains.map((d) => [d.id, wire.domainDetail(d)]));
  records.apiKeys = build('apiKeys', account.apiKeys.map((k) => [k.id, wire.apiKeyItem(k)]));
  records.lists = build('lists', account.lists.map((l) => [l.id, l.legacy ? wire.audienceDetail(l) : wire.segmentDetail(l)]));
  records.contactProperties = build('contactProperties', account.contactProperties.map((p) => [p.id, wire.propertyDetail(p)]));
  records.topics = build('topics', account.topics.map((t) => [t.id, wire.topicDetail(t)]));
  records.templates = build('templates', account.templates.map((t) => [t.id, wire.templateDetail(t)]));
  records.suppressions = build('suppressions', account.suppressions.map((s) => [s.id, wire.suppressionDetail(s)]));
  account.contactProperties.forEach((p, i) => { if (typeof records.contactProperties[i]!.type === 'string') p.type = records.contactProperties[i]!.type as typeof p.type; });
  account.topics.forEach((t, i) => { t.default_subscription = (records.topics[i]!.default_subscription as typeof t.default_subscription | undefined) ?? t.default_subscription; });
  account.suppressions.forEach((s, i) => { s.origin = (records.suppressions[i]!.origin as typeof s.origin | undefined) ?? s.origin; });
  const types = new Map(account.contactProperties.map((p) => [p.key, p.type]));
  records.contacts = build('contacts', account.contacts.map((c) => [c.id, wire.contactDetail(c, types)]));
  records.audienceContacts = build('audienceContacts', account.audienceContacts.map((a) => [a.id, wire.audienceContactDetail(a)]));

  const shape = (v: View, item: JsonObject) => {
    const kind = v.kinds.find((k) => set.get(k, String(item.id)));
    return kind ? set.shape(kind, String(item.id), item, v.schema, v.identity) : item;
  };
  return {
    account,
    records,
    serve(template, body) {
      const v = views[template];
      if (!v) return body;
      const b = body as JsonObject & { data?: JsonObject[] };
      return v.list ? { ...b, data: (b.data ?? []).map((item) => shape(v, item)) } : shape(v, b);
    },
  };
}
