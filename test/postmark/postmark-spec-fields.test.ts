import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostmarkConnector } from '../../src/sources/postmark/postmark-connector.js';

/**
 * The connector against a server that answers exactly as Postmark's Swagger files say, where
 * they differ from the live API: the template list's array is "Templates API", a template's
 * detail names its id `TemplateID`, and every field is optional (a server without Name, a
 * domain without Name in its list and its detail, a sender signature without Domain).
 */
const ACCOUNT = 'account-token';
const SERVER = 'server-token';
const routes: Record<string, Record<string, unknown>> = {
  [`${ACCOUNT} /servers`]: { TotalCount: 1, Servers: [{ ID: 7, ApiTokens: [SERVER] }] },
  [`${ACCOUNT} /domains`]: { TotalCount: 4, Domains: [{ ID: 1, Name: '  Example.COM ' }, { ID: 2 }, { ID: 3, Name: `${'a'.repeat(300)}.com` }, { ID: 4, Name: 'two words.com' }] },
  [`${ACCOUNT} /domains/1`]: { ID: 1, Name: 'example.com', DKIMHost: 'pm._domainkey.example.com', DKIMTextValue: 'k=rsa', DKIMVerified: true },
  [`${ACCOUNT} /domains/2`]: { ID: 2, DKIMHost: '' },
  [`${ACCOUNT} /domains/3`]: {},
  [`${ACCOUNT} /domains/4`]: {},
  [`${ACCOUNT} /senders`]: { TotalCount: 2, SenderSignatures: [{ ID: 11, EmailAddress: 'hello@mail.example.org', Confirmed: true }, { ID: 12 }] },
  [`${SERVER} /server`]: { ID: 7, ApiTokens: [SERVER] },
  [`${SERVER} /message-streams`]: { MessageStreams: [{ ID: 'outbound', MessageStreamType: 'Transactional' }, { ID: 'broadcast', MessageStreamType: 'Broadcasts', Name: '' }], TotalCount: 2 },
  [`${SERVER} /templates`]: { TotalCount: 2, 'Templates API': [{ TemplateId: 70, Name: 'Welcome', Alias: 'welcome', Active: true }, { TemplateId: 71, Alias: 'receipt' }] },
  [`${SERVER} /templates/70`]: { TemplateID: 70, Name: 'Welcome', Alias: 'welcome', Subject: 'Hi', HtmlBody: '<p>Hi</p>', Active: true, AssociatedServerId: 7 },
  [`${SERVER} /templates/71`]: { TemplateID: 71, Alias: 'receipt', HtmlBody: '<p>Thanks</p>' },
};

let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const token = req.headers['x-postmark-account-token'] ?? req.headers['x-postmark-server-token'];
    const body = routes[`${token} ${new URL(req.url ?? '/', 'http://stub').pathname}`];
    res.writeHead(body ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { ErrorCode: 10, Message: 'Bad or missing token' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the Postmark connector on spec-literal responses', () => {
  it('reads every record the spec allows; a domain with no name anywhere, or one no domain can have, is a row problem under its ID', async () => {
    const c = new PostmarkConnector({ baseUrl: url, token: ACCOUNT });
    expect(await c.servers()).toMatchObject([{ id: 7, name: 'Server 7' }]);
    const domains = [];
    for await (const d of c.domains()) domains.push(d);
    expect(domains.map((d) => [d.sourceId, d.name])).toEqual([['1', 'example.com'], ['signature:11', 'mail.example.org']]);
    expect(domains[0]!.records).toHaveLength(1);
    const summaries = await c.templateSummaries();
    expect(summaries.map((t) => [t.id, t.name])).toEqual([['7/70', 'Welcome'], ['7/71', 'receipt']]);
    expect(await c.template('7/70')).toMatchObject({ name: 'Welcome', subject: 'Hi', html: '<p>Hi</p>', status: 'published' });
    expect(await c.template('7/71')).toMatchObject({ name: 'receipt', html: '<p>Thanks</p>' });
    expect((await c.suppressionGroups()).map((g) => g.name)).toEqual(['Server 7 · broadcast']);
    expect(c.problems.drain().map((p) => [p.kind, p.sourceId])).toEqual([['domain', '2'], ['domain', '3'], ['domain', '4'], ['domain', 'signature:12']]);
  });

  it('reads a server token whose server has no name', async () => {
    const c = new PostmarkConnector({ baseUrl: url, token: SERVER });
    expect(await c.kind()).toBe('server');
    expect((await c.servers()).map((s) => s.name)).toEqual(['Server 7']);
    expect((await c.templateSummaries()).length).toBe(2);
  });
});
