import type { MailgunAccount, MailgunDomainData } from './model.js';
import { pivotPage } from './pagination.js';

export class MailgunError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface RouteContext {
  account: MailgunAccount;
  params: string[];
  query: URLSearchParams;
  /** This request's URL without the query, as the client reached it: paging links start from it. */
  url: string;
}

interface Route {
  template: string;
  pattern: RegExp;
  handle(ctx: RouteContext): unknown;
}

const SEGMENT = '([^/]+)';
const notFound = (what: string) => new MailgunError(404, `${what} not found`);

function domainData(ctx: RouteContext): MailgunDomainData {
  const data = ctx.account.byDomain[decodeURIComponent(ctx.params[0]!)];
  if (!data) throw notFound('Domain');
  return data;
}

/** Suppressions by address, 100 (up to 1,000) a page. */
function suppressionRoute<K extends 'bounces' | 'unsubscribes' | 'complaints'>(kind: K): Route {
  return {
    template: `/v3/{domain}/${kind}`,
    pattern: new RegExp(`^/v3/${SEGMENT}/${kind}$`),
    handle: (ctx) => pivotPage(domainData(ctx)[kind] as { address: string }[], (s) => s.address, ctx.query, { url: ctx.url, pivotParam: 'address', defaultLimit: 100, maxLimit: 1000 }),
  };
}

export const ROUTES: Route[] = [
  {
    template: '/v4/domains',
    pattern: /^\/v4\/domains$/,
    handle: ({ account, query }) => {
      const limit = Math.min(Math.max(Number(query.get('limit')) || 100, 1), 1000);
      const skip = Math.max(Number(query.get('skip')) || 0, 0);
      const items = account.domains.slice(skip, skip + limit).map(({ sending_dns_records: _s, receiving_dns_records: _r, ...d }) => d);
      return { total_count: account.domains.length, items };
    },
  },
  {
    template: '/v4/domains/{name}',
    pattern: new RegExp(`^/v4/domains/${SEGMENT}$`),
    handle: ({ account, params }) => {
      const d = account.domains.find((x) => x.name === decodeURIComponent(params[0]!));
      if (!d) throw notFound('Domain');
      const { sending_dns_records, receiving_dns_records, ...domain } = d;
      return { domain, sending_dns_records, receiving_dns_records };
    },
  },
  {
    template: '/v3/lists/pages',
    pattern: /^\/v3\/lists\/pages$/,
    handle: (ctx) =>
      pivotPage(
        ctx.account.lists.map((l) => ({ ...l, members_count: ctx.account.members[l.address]!.length })),
        (l) => l.address,
        ctx.query,
        { url: ctx.url, pivotParam: 'address', defaultLimit: 100, maxLimit: 100 },
      ),
  },
  {
    template: '/v3/lists/{list}/members/pages',
    pattern: new RegExp(`^/v3/lists/${SEGMENT}/members/pages$`),
    handle: (ctx) => {
      const members = ctx.account.members[decodeURIComponent(ctx.params[0]!)];
      if (!members) throw notFound('Mailing list');
      const subscribed = ctx.query.get('subscribed');
      const chosen = subscribed === null ? members : members.filter((m) => String(m.subscribed) === subscribed);
      return pivotPage(chosen, (m) => m.address, ctx.query, { url: ctx.url, pivotParam: 'address', defaultLimit: 100, maxLimit: 100 });
    },
  },
  {
    template: '/v3/{domain}/templates',
    pattern: new RegExp(`^/v3/${SEGMENT}/templates$`),
    handle: (ctx) => {
      const summaries = domainData(ctx).templates.map(({ versions: _v, ...t }) => t);
      return pivotPage(summaries, (t) => t.name, ctx.query, { url: ctx.url, pivotParam: 'p', defaultLimit: 10, maxLimit: 100 });
    },
  },
  {
    template: '/v3/{domain}/templates/{name}',
    pattern: new RegExp(`^/v3/${SEGMENT}/templates/${SEGMENT}$`),
    handle: (ctx) => {
      const t = domainData(ctx).templates.find((x) => x.name === decodeURIComponent(ctx.params[1]!).toLowerCase());
      if (!t) throw notFound('Template');
      const { versions, ...template } = t;
      if (ctx.query.get('active') !== 'yes') return { template };
      const version = versions.find((v) => v.active);
      return { template: { ...template, ...(version ? { version } : {}) } };
    },
  },
  suppressionRoute('bounces'),
  suppressionRoute('unsubscribes'),
  suppressionRoute('complaints'),
  {
    template: '/v3/{domain}/whitelists',
    pattern: new RegExp(`^/v3/${SEGMENT}/whitelists$`),
    handle: (ctx) => pivotPage(domainData(ctx).allowlist, (a) => a.value, ctx.query, { url: ctx.url, pivotParam: 'address', defaultLimit: 100, maxLimit: 1000 }),
  },
];

export function matchRoute(pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const m = route.pattern.exec(pathname);
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}
