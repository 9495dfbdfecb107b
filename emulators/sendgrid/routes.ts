/**
 * The /v3 endpoints the emulator serves, each with the scope it needs (sendgrid.md §6). The
 * scope for POST …/exports is unpublished; marketing.read is assumed (a read-only key suffices).
 */
import { errors } from './errors.js';
import type { ExportJobs, ExportRequest } from './exports.js';
import { RESERVED_FIELDS, type SuppressionKind } from './model.js';
import { offsetPage, tokenPage } from './pagination.js';
import { contactWire, listWire, templateWire, versionWire, type AccountIndex } from './store.js';

export interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  index: AccountIndex;
  exports: ExportJobs;
  baseUrl: string;
  now: number;
}

export interface Route {
  method: 'GET' | 'POST';
  template: string;
  /** null: any valid key (GET /v3/scopes). */
  scope: string | null;
  status: number;
  pattern: RegExp;
  handle(ctx: RouteContext): unknown;
}

function route(method: Route['method'], template: string, scope: string | null, handle: Route['handle'], status = 200): Route {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
  return { method, template, scope, status, pattern, handle };
}

const p = (ctx: RouteContext, i: number) => ctx.params[i] ?? '';

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw errors.notFound(what);
  return value;
}

function groupOf(ctx: RouteContext) {
  return found(ctx.index.account.groups.find((g) => String(g.id) === p(ctx, 0)), 'group');
}

const suppressionList = (kind: SuppressionKind) =>
  route('GET', `/v3/suppression/${kind}`, `suppression.${kind}.read`, (c) => offsetPage(c.index.account.suppressions[kind], c.query));

export const ROUTES: Route[] = [
  route('GET', '/v3/scopes', null, () => ({})), // answered by the server, which knows the key
  route('GET', '/v3/marketing/contacts/count', 'marketing.read', (c) => ({ contact_count: c.index.account.contacts.length, billable_count: c.index.account.contacts.length })),
  // Paging was deprecated: only the 50 most recent contacts, whatever the query says.
  route('GET', '/v3/marketing/contacts', 'marketing.read', (c) => ({
    result: c.index.recentContacts.slice(0, 50).map((x) => contactWire(c.index, x, c.baseUrl)),
    _metadata: { self: `${c.baseUrl}/v3/marketing/contacts` }, contact_count: c.index.account.contacts.length,
  })),
  route('POST', '/v3/marketing/contacts/exports', 'marketing.read', (c) => {
    const job = c.exports.create((c.body ?? {}) as ExportRequest, c.now);
    return { ...job, _metadata: { self: `${c.baseUrl}/v3/marketing/contacts/exports/${job.id}` } };
  }, 202),
  route('GET', '/v3/marketing/contacts/exports/{id}', 'marketing.read', (c) => c.exports.poll(p(c, 0), c.baseUrl)),
  route('GET', '/v3/marketing/contacts/{id}', 'marketing.read', (c) => contactWire(c.index, found(c.index.contacts.get(p(c, 0)), 'contact'), c.baseUrl)),
  route('GET', '/v3/marketing/lists', 'marketing.read', (c) => {
    const { page, metadata } = tokenPage(c.index.account.lists, c.query, { endpoint: `${c.baseUrl}/v3/marketing/lists`, keep: {}, maxPageSize: 1000, defaultPageSize: 100 });
    return { result: page.map((l) => listWire(l, c.baseUrl)), _metadata: metadata };
  }),
  route('GET', '/v3/marketing/lists/{id}', 'marketing.read', (c) => {
    const list = found(c.index.lists.get(p(c, 0)), 'list');
    if (c.query.get('contact_sample') !== 'true') return listWire(list, c.baseUrl);
    // The notes speak of "up to 50 recent contacts", but the spec's schema and example are ONE
    // ContactDetails object; the spec's shape wins. An empty list gets no sample.
    const members = new Set(list.contact_ids);
    const latest = c.index.recentContacts.find((x) => members.has(x.id));
    return { ...listWire(list, c.baseUrl), ...(latest ? { contact_sample: contactWire(c.index, latest, c.baseUrl) } : {}) };
  }),
  route('GET', '/v3/marketing/lists/{id}/contacts/count', 'marketing.read', (c) => {
    const n = found(c.index.lists.get(p(c, 0)), 'list').contact_ids.length;
    return { contact_count: n, billable_count: n };
  }),
  route('GET', '/v3/marketing/field_definitions', 'marketing.read', (c) => ({
    custom_fields: c.index.account.customFields, reserved_fields: RESERVED_FIELDS, _metadata: { self: `${c.baseUrl}/v3/marketing/field_definitions` },
  })),
  route('GET', '/v3/templates', 'templates.read', (c) => {
    // `generations` defaults to legacy: a connector that forgets it sees no dynamic templates.
    const generations = (c.query.get('generations') ?? 'legacy').split(',');
    if (!generations.every((g) => g === 'legacy' || g === 'dynamic')) throw errors.badParameter('generations', 'generations must be legacy, dynamic or legacy,dynamic');
    const items = c.index.account.templates.filter((t) => generations.includes(t.generation));
    const keep: Record<string, string> = {};
    if (c.query.has('generations')) keep.generations = c.query.get('generations') ?? '';
    const { page, metadata } = tokenPage(items, c.query, { endpoint: `${c.baseUrl}/v3/templates`, keep, maxPageSize: 200, defaultPageSize: undefined });
    return { result: page.map((t) => templateWire(t, false)), _metadata: metadata };
  }),
  route('GET', '/v3/templates/{id}', 'templates.read', (c) => templateWire(found(c.index.templates.get(p(c, 0)), 'template'), true)),
  route('GET', '/v3/templates/{id}/versions/{version_id}', 'templates.versions.read', (c) => {
    const template = found(c.index.templates.get(p(c, 0)), 'template');
    return versionWire(found(template.versions.find((v) => v.id === p(c, 1)), 'version'));
  }),
  route('GET', '/v3/asm/groups', 'asm.groups.read', (c) => {
    const ids = c.query.getAll('id');
    return c.index.account.groups.filter((g) => ids.length === 0 || ids.includes(String(g.id)))
      .map((g) => ({ id: g.id, name: g.name, description: g.description, is_default: g.is_default, unsubscribes: g.suppressions.length }));
  }),
  route('GET', '/v3/asm/groups/{id}', 'asm.groups.read', (c) => {
    const g = groupOf(c);
    return { id: g.id, name: g.name, description: g.description, is_default: g.is_default, unsubscribes: g.suppressions.length };
  }),
  // A bare string array: no timestamps and no paging (sendgrid.md §5).
  route('GET', '/v3/asm/groups/{id}/suppressions', 'asm.groups.suppressions.read', (c) => groupOf(c).suppressions.map((s) => s.email)),
  route('GET', '/v3/asm/suppressions', 'asm.groups.suppressions.read', (c) => c.index.account.groups.flatMap((g) =>
    g.suppressions.map((s) => ({ email: s.email, group_id: g.id, group_name: g.name, created_at: s.created_at })))),
  suppressionList('unsubscribes'),
  suppressionList('bounces'),
  suppressionList('blocks'),
  suppressionList('spam_reports'),
  suppressionList('invalid_emails'),
];

export interface RouteMatch {
  route: Route;
  params: string[];
}

/** The route for a pathname; a known path with another method still matches (→ 405). */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  let other: RouteMatch | undefined;
  for (const r of ROUTES) {
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const match = { route: r, params: m.slice(1).map((s) => decodeURIComponent(s)) };
    if (r.method === method) return match;
    other ??= match;
  }
  return other;
}
