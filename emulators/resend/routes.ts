/**
 * The GET endpoints the emulator serves, as path templates. Routes marked `global` exist only in
 * accounts with the Nov 2025 model (new/mixed); an 'old' account answers them with the
 * "endpoint does not exist" 404, which is how a connector detects the missing feature.
 */
import { errors, ApiError } from './errors.js';
import { paginate, parsePageQuery, type PaginationMode } from './pagination.js';
import * as wire from './serializers.js';
import type { AccountIndex, Dated, OrderedCollection } from './store.js';

export interface RouteContext {
  params: string[];
  query: URLSearchParams;
  index: AccountIndex;
}

export interface Route {
  template: string;
  global: boolean;
  handle(ctx: RouteContext): unknown;
}

/** A page of `view` in wire shape; `keys` is the collection whose ids are valid cursors. */
function list<T extends Dated>(ctx: RouteContext, mode: PaginationMode, view: readonly T[], keys: OrderedCollection<T>, shape: (item: T) => unknown) {
  const page = paginate(view, parsePageQuery(ctx.query, mode), (id) => keys.keyById.get(id));
  return { object: 'list', has_more: page.has_more, data: page.data.map(shape) };
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw errors.notFound(what);
  return value;
}

const p = (ctx: RouteContext, i: number) => ctx.params[i] ?? '';

function contactOf(ctx: RouteContext) {
  return found(ctx.index.contactByIdOrEmail(p(ctx, 0)), 'Contact');
}

function segmentOf(ctx: RouteContext, id: string) {
  const list = ctx.index.lists.byId.get(id);
  return found(list && !list.legacy ? list : undefined, 'Audience');
}

const ORIGINS = ['bounce', 'complaint', 'manual'];

const route = (template: string, global: boolean, handle: (ctx: RouteContext) => unknown): Route => ({ template, global, handle });

export const ROUTES: Route[] = [
  route('/domains', false, (c) => list(c, 'optional', c.index.domains.items, c.index.domains, wire.domainItem)),
  route('/domains/{id}', false, (c) => wire.domainDetail(found(c.index.domains.byId.get(p(c, 0)), 'Domain'))),
  route('/api-keys', false, (c) => list(c, 'optional', c.index.apiKeys.items, c.index.apiKeys, wire.apiKeyItem)),
  // Audiences and segments share one id space; /audiences shows every list.
  route('/audiences', false, (c) => list(c, 'optional', c.index.lists.items, c.index.lists, wire.listItem)),
  route('/audiences/{id}', false, (c) => wire.audienceDetail(found(c.index.lists.byId.get(p(c, 0)), 'Audience'))),
  route('/audiences/{id}/contacts', false, (c) => {
    const legacy = c.index.audienceMembers.get(p(c, 0));
    if (legacy) return list(c, 'optional', legacy.items, c.index.audienceContacts, wire.contactItem);
    const segment = segmentOf(c, p(c, 0));
    return list(c, 'optional', c.index.segmentMembers.get(segment.id) ?? [], c.index.contacts, wire.contactItem);
  }),
  route('/audiences/{id}/contacts/{contact}', false, (c) => {
    const legacy = c.index.audienceMembers.get(p(c, 0));
    const key = p(c, 1);
    if (legacy) {
      const byId = c.index.audienceContacts.byId.get(key);
      const record = byId?.audience_id === p(c, 0) ? byId : legacy.byEmail.get(key.trim().toLowerCase());
      return wire.audienceContactDetail(found(record, 'Contact'));
    }
    const segment = segmentOf(c, p(c, 0));
    const contact = c.index.contactByIdOrEmail(key);
    return wire.contactDetail(found(contact?.segmentIds.includes(segment.id) ? contact : undefined, 'Contact'), c.index.propertyTypes);
  }),
  route('/segments', true, (c) => list(c, 'optional', c.index.segments, c.index.lists, wire.listItem)),
  route('/segments/{id}', true, (c) => wire.segmentDetail(segmentOf(c, p(c, 0)))),
  route('/segments/{id}/contacts', true, (c) =>
    list(c, 'optional', c.index.segmentMembers.get(segmentOf(c, p(c, 0)).id) ?? [], c.index.contacts, wire.contactItem)),
  route('/contacts', true, (c) => {
    const segmentId = c.query.get('segment_id');
    const view = segmentId === null ? c.index.contacts.items : c.index.segmentMembers.get(segmentOf(c, segmentId).id) ?? [];
    return list(c, 'optional', view, c.index.contacts, wire.contactItem);
  }),
  route('/contacts/{id}', true, (c) => wire.contactDetail(contactOf(c), c.index.propertyTypes)),
  route('/contacts/{id}/segments', true, (c) => list(c, 'required', c.index.segmentsOf(contactOf(c)), c.index.lists, wire.listItem)),
  route('/contacts/{id}/topics', true, (c) => {
    const contact = contactOf(c);
    return list(c, 'required', c.index.topics.items, c.index.topics, (t) => wire.contactTopicItem(t, contact));
  }),
  route('/contact-properties', true, (c) => list(c, 'required', c.index.contactProperties.items, c.index.contactProperties, wire.propertyItem)),
  route('/contact-properties/{id}', true, (c) => wire.propertyDetail(found(c.index.contactProperties.byId.get(p(c, 0)), 'Contact property'))),
  route('/topics', true, (c) => list(c, 'required', c.index.topics.items, c.index.topics, wire.topicItem)),
  route('/topics/{id}', true, (c) => wire.topicDetail(found(c.index.topics.byId.get(p(c, 0)), 'Topic'))),
  route('/templates', true, (c) => list(c, 'required', c.index.templates.items, c.index.templates, wire.templateItem)),
  route('/templates/{id}', true, (c) =>
    wire.templateDetail(found(c.index.templates.byId.get(p(c, 0)) ?? c.index.templatesByAlias.get(p(c, 0)), 'Template'))),
  route('/suppressions', true, (c) => {
    const origin = c.query.get('origin');
    if (origin !== null && !ORIGINS.includes(origin)) throw errors.invalidParameter('origin', ORIGINS.join(', '));
    const view = origin === null ? c.index.suppressions.items : c.index.suppressionsByOrigin.get(origin) ?? [];
    return list(c, 'required', view, c.index.suppressions, wire.suppressionItem);
  }),
  route('/suppressions/{id}', true, (c) => {
    const key = p(c, 0);
    return wire.suppressionDetail(found(c.index.suppressions.byId.get(key) ?? c.index.suppressionsByEmail.get(key.trim().toLowerCase()), 'Suppression'));
  }),
];

export interface RouteMatch {
  route: Route;
  params: string[];
}

const compiled = ROUTES.map((r) => ({ route: r, parts: r.template.split('/').slice(1) }));

/** Matches a pathname (trailing slash ignored); path parameters come back URL-decoded. */
export function matchRoute(pathname: string): RouteMatch | undefined {
  const parts = pathname.replace(/\/$/, '').split('/').slice(1);
  for (const { route: r, parts: pattern } of compiled) {
    if (pattern.length !== parts.length) continue;
    const params: string[] = [];
    const ok = pattern.every((seg, i) => {
      const actual = parts[i] as string;
      if (!seg.startsWith('{')) return seg === actual;
      if (actual === '') return false;
      params.push(actual);
      return true;
    });
    if (ok) return { route: r, params };
  }
  return undefined;
}

/** URL-decodes path parameters; a malformed escape can name no resource. */
export function decodeParams(params: string[]): string[] {
  try {
    return params.map((s) => decodeURIComponent(s));
  } catch {
    throw new ApiError(404, 'not_found', 'The requested endpoint does not exist.');
  }
}
