/**
 * Spec-shapes mode for the Postmark emulator (see emulators/shared/spec-shapes.ts): which schema
 * each kind and route is sampled from, and what stays the emulator's own: ids (server, domain,
 * sender, stream, template), server tokens, sender and suppressed addresses, a stream's server,
 * type and archive date (the stream list filters on it), a template's alias, type (the
 * `TemplateType` filter) and layout, and the paging envelopes (`TotalCount`, the array names).
 *
 * Postmark's specs are Swagger 2.0 (emulators/specs/postmark): their schemas live under
 * `definitions` and the 200 response schema of a path under `responses/200/schema` (no
 * `content`); `resolveSchema` inlines `#/definitions/…` references as it does
 * `#/components/schemas/…`, and the specs use no Swagger-only keywords (`x-nullable`, `type:
 * file`) in the response schemas read here. They are old (SOURCE.txt): they lack message streams
 * and suppressions, so those two routes are sampled from the schemas below, written from the
 * live developer docs (postmarkapp.com/developer/api/message-streams-api, …/suppressions-api) in
 * the specs' own style (nothing required). The spec's template detail names the id `TemplateID`
 * (the live API says `TemplateId`): the detail is served under the spec's name, with the
 * emulator's id; its list names the array "Templates API" (the live API says "Templates"): the
 * envelope stays the emulator's.
 */
import { itemsOf, loadSpec, mergeViews, resolveSchema, type Schema } from '../shared/spec-schema.js';
import { SpecRecordSet, type JsonObject, type SpecShapesOptions } from '../shared/spec-shapes.js';
import type { PostmarkAccount, PostmarkServerRecord, PostmarkTemplateRecord } from './model.js';

export type PostmarkSpecKind = 'servers' | 'domains' | 'senders' | 'streams' | 'suppressions' | 'templates';
/** Kind → the records as served (each the union of its views), in account order; a suppression carries `_server` and `_stream` (not served). */
export type PostmarkSpecRecords = Record<PostmarkSpecKind, JsonObject[]>;

const ACCOUNT_SPEC = 'postmark/account/0.9.0/swagger.yaml';
const SERVER_SPEC = 'postmark/server/1.0.0/swagger.yaml';
/** The 200 response schema of GET `path` in a Swagger 2.0 file. */
export const swaggerResponse = (file: string, path: string): Schema =>
  resolveSchema(loadSpec(file), `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/schema`);

const nullableText = { type: ['string', 'null'] };
/** GET /message-streams, from the live docs (the Swagger files predate message streams). */
export const STREAM_LIST_SCHEMA: Schema = {
  type: 'object',
  properties: {
    MessageStreams: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ID: { type: 'string' }, ServerID: { type: 'integer' }, Name: { type: 'string' }, Description: nullableText,
          MessageStreamType: { enum: ['Transactional', 'Inbound', 'Broadcasts'] },
          CreatedAt: { type: 'string' }, UpdatedAt: nullableText, ArchivedAt: nullableText, ExpectedPurgeDate: nullableText,
          SubscriptionManagementConfiguration: { type: 'object', properties: { UnsubscribeHandlingType: { enum: ['None', 'Postmark', 'Custom'] } } },
        },
      },
    },
    TotalCount: { type: 'integer' },
  },
};
/** GET /message-streams/{stream}/suppressions/dump, from the live docs. */
export const SUPPRESSION_DUMP_SCHEMA: Schema = {
  type: 'object',
  properties: {
    Suppressions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          EmailAddress: { type: 'string' },
          SuppressionReason: { enum: ['HardBounce', 'SpamComplaint', 'ManualSuppression'] },
          Origin: { enum: ['Recipient', 'Customer', 'Admin'] },
          CreatedAt: { type: 'string' },
        },
      },
    },
  },
};

/** Route template (as server.ts names it) → the spec's (or docs') response schema. */
export function postmarkSchemas() {
  return {
    '/servers': swaggerResponse(ACCOUNT_SPEC, '/servers'),
    '/domains': swaggerResponse(ACCOUNT_SPEC, '/domains'),
    '/domains/{id}': swaggerResponse(ACCOUNT_SPEC, '/domains/{domainid}'),
    '/senders': swaggerResponse(ACCOUNT_SPEC, '/senders'),
    '/server': swaggerResponse(SERVER_SPEC, '/server'),
    '/message-streams': STREAM_LIST_SCHEMA,
    '/message-streams/{id}/suppressions/dump': SUPPRESSION_DUMP_SCHEMA,
    '/templates': swaggerResponse(SERVER_SPEC, '/templates'),
    '/templates/{id}': swaggerResponse(SERVER_SPEC, '/templates/{templateIdOrAlias}'),
  } as const;
}
export type PostmarkRoute = keyof ReturnType<typeof postmarkSchemas>;

const IDENTITY = {
  servers: ['ID', 'ApiTokens'],
  domains: ['ID'],
  senders: ['ID', 'EmailAddress'],
  streams: ['ID', 'ServerID', 'MessageStreamType', 'ArchivedAt'],
  suppressions: ['EmailAddress'],
  templateList: ['TemplateId', 'Alias', 'TemplateType', 'LayoutTemplate'],
  /** The detail under the spec's id name (`TemplateID`), with the emulator's id. */
  templateDetail: ['TemplateID', 'Alias', 'AssociatedServerId', 'TemplateType', 'LayoutTemplate'],
} as const;

/** The list view of a server spells TrackLinks' values `…Tracking`, the server view without: the same value, each view in its own spelling. */
const TRACK_LINKS: Record<string, string> = { HtmlAndText: 'HtmlAndTextTracking', HtmlOnly: 'HtmlOnlyTracking', TextOnly: 'TextOnlyTracking' };

const serverWire = ({ streams: _s, templates: _t, suppressions: _x, ...s }: PostmarkServerRecord): JsonObject => s;
const templateWire = (t: PostmarkTemplateRecord): JsonObject => ({ ...t, TemplateID: t.TemplateId });
export const suppressionKey = (serverId: number, streamId: string, email: string) => `${serverId}|${streamId}|${email}`;

export interface PostmarkSpecShapes {
  records: PostmarkSpecRecords;
  /** A route's response in spec shape (`server` the token's server, `stream` the dump's stream); routes without a view pass through. */
  serve(route: string, body: unknown, context: { server?: PostmarkServerRecord; stream?: string }): unknown;
}

export function postmarkSpecShapes(account: PostmarkAccount, options: SpecShapesOptions): PostmarkSpecShapes {
  const s = postmarkSchemas();
  const v = {
    serverItem: itemsOf(s['/servers'], 'Servers'), server: s['/server'],
    domainItem: itemsOf(s['/domains'], 'Domains'), domain: s['/domains/{id}'],
    sender: itemsOf(s['/senders'], 'SenderSignatures'),
    stream: itemsOf(s['/message-streams'], 'MessageStreams'),
    suppression: itemsOf(s['/message-streams/{id}/suppressions/dump'], 'Suppressions'),
    templateItem: itemsOf(s['/templates'], 'Templates API'), template: s['/templates/{id}'],
  };
  const set = new SpecRecordSet(options);
  const records = {} as PostmarkSpecRecords;
  // Strictest view first: the server view's Color and TrackLinks are enums, its InboundAddress an email.
  records.servers = set.build('servers', mergeViews([v.server, v.serverItem]), IDENTITY.servers, account.servers.map((x) => [String(x.ID), serverWire(x)]));
  records.domains = set.build('domains', mergeViews([v.domain, v.domainItem]), IDENTITY.domains, account.domains.map((d) => [String(d.ID), { ...d }]));
  records.senders = set.build('senders', v.sender, IDENTITY.senders, account.senders.map((x) => [String(x.ID), { ...x }]));
  records.streams = set.build('streams', v.stream, IDENTITY.streams, account.servers.flatMap((x) => x.streams.map((st) => [`${x.ID}|${st.ID}`, { ...st }] as [string, JsonObject])));
  const dumps = account.servers.flatMap((x) => Object.entries(x.suppressions).flatMap(([stream, list]) => list.map((r) => ({ server: x.ID, stream, r }))));
  records.suppressions = set.build('suppressions', v.suppression, IDENTITY.suppressions, dumps.map(({ server, stream, r }) => [suppressionKey(server, stream, r.EmailAddress), { ...r }]))
    .map((r, i) => ({ ...r, _server: dumps[i]!.server, _stream: dumps[i]!.stream }));
  const templateMaster = mergeViews([v.template, v.templateItem]);
  records.templates = set.build('templates', templateMaster, [...new Set([...IDENTITY.templateList, ...IDENTITY.templateDetail])], account.servers.flatMap((x) => x.templates.map((t) => [String(t.TemplateId), templateWire(t)] as [string, JsonObject])));

  const shape = (kind: PostmarkSpecKind, key: string, item: JsonObject, view: Schema, identity: readonly string[]) => set.shape(kind, key, item, view, identity);
  const each = (items: unknown, f: (item: JsonObject) => JsonObject) => ((items ?? []) as JsonObject[]).map(f);
  const listServer = (x: JsonObject) => {
    const out = shape('servers', String(x.ID), x, v.serverItem, IDENTITY.servers);
    return typeof out.TrackLinks === 'string' && TRACK_LINKS[out.TrackLinks] ? { ...out, TrackLinks: TRACK_LINKS[out.TrackLinks] } : out;
  };
  const routes: Record<PostmarkRoute, (b: any, c: { server?: PostmarkServerRecord; stream?: string }) => unknown> = {
    '/servers': (b) => ({ ...b, Servers: each(b.Servers, listServer) }),
    '/server': (b) => shape('servers', String(b.ID), b, v.server, IDENTITY.servers),
    '/domains': (b) => ({ ...b, Domains: each(b.Domains, (d) => shape('domains', String(d.ID), d, v.domainItem, IDENTITY.domains)) }),
    '/domains/{id}': (b) => shape('domains', String(b.ID), b, v.domain, IDENTITY.domains),
    '/senders': (b) => ({ ...b, SenderSignatures: each(b.SenderSignatures, (x) => shape('senders', String(x.ID), x, v.sender, IDENTITY.senders)) }),
    '/message-streams': (b, c) => ({ ...b, MessageStreams: each(b.MessageStreams, (st) => shape('streams', `${c.server!.ID}|${st.ID}`, st, v.stream, IDENTITY.streams)) }),
    '/message-streams/{id}/suppressions/dump': (b, c) => ({
      ...b, Suppressions: each(b.Suppressions, (r) => shape('suppressions', suppressionKey(c.server!.ID, c.stream!, String(r.EmailAddress)), r, v.suppression, IDENTITY.suppressions)),
    }),
    '/templates': (b) => ({ ...b, Templates: each(b.Templates, (t) => shape('templates', String(t.TemplateId), t, v.templateItem, IDENTITY.templateList)) }),
    '/templates/{id}': (b) => shape('templates', String(b.TemplateId), { ...b, TemplateID: b.TemplateId }, v.template, IDENTITY.templateDetail),
  };
  return {
    records,
    serve: (route, body, context) => (Object.hasOwn(routes, route) ? routes[route as PostmarkRoute](body, context) : body),
  };
}
