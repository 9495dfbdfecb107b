import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMailgunAccount, mailgunTruth } from '../../emulators/mailgun/generator.js';
import { startMailgunEmulator, type MailgunEmulator } from '../../emulators/mailgun/server.js';
import { MailgunConnector } from '../../src/sources/mailgun/mailgun-connector.js';
import { SourceError } from '../../src/sources/source-types.js';

let mg: MailgunEmulator;
beforeAll(async () => {
  mg = await startMailgunEmulator({ account: generateMailgunAccount({ seed: 12, domains: 1, lists: 2, contacts: 300, templates: 2, suppressions: 20 }) });
});
afterAll(async () => mg?.close());

const connectorFor = (baseUrl: string, euBaseUrl: string, apiKey: string) => new MailgunConnector({ baseUrl, euBaseUrl, apiKey, backoffBaseMs: 10, retryBudgetMs: 60_000 });

describe('reading Mailgun', () => {
  it('keeps scanning through 429s that say nothing of when to come back, and counts right', async () => {
    mg.setRequestsPerSecond(5);
    try {
      const before = mg.stats.rateLimited;
      const connector = connectorFor(mg.url, mg.euUrl, mg.account.apiKeys[0]!.token);
      const scan = await connector.scan();
      expect(mg.stats.rateLimited - before).toBeGreaterThan(0);
      const truth = mailgunTruth(mg.account);
      expect(scan.contacts.total).toBe(truth.contactEmails.length);
      expect(scan.suppressions.total).toBeGreaterThan(0);
    } finally {
      mg.setRequestsPerSecond(100);
    }
  }, 120_000);

  it('stops a page link that leads back to itself as stuck, not as an endless read', async () => {
    let base = '';
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', base);
      const body = url.pathname === '/v4/domains'
        ? { total_count: 0, items: [] }
        : { items: [{ address: 'ann@example.com', name: 'Ann', vars: {}, subscribed: true }], paging: { next: `${base}/v3/lists/l%40x.io/members/pages?page=next&address=ann%40example.com` } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const connector = connectorFor(base, base, 'key-any');
      const read = async () => {
        for await (const _page of connector.listMembers({ sourceId: 'l@x.io', name: 'L', kind: 'audience', createdAt: null })) void _page;
      };
      await expect(read()).rejects.toSatisfy((err: unknown) => err instanceof SourceError && err.kind === 'pagination_stuck');
    } finally {
      server.close();
    }
  });

  it('reports a domain or template whose detail the spec lets be null, and reads on', async () => {
    let base = '';
    const bodies: Record<string, unknown> = {
      '/v4/domains': { total_count: 2, items: [{ name: 'gone.example' }, { name: 'ok.example', state: 'active' }] },
      '/v4/domains/gone.example': { domain: null, sending_dns_records: [null] },
      '/v4/domains/ok.example': { domain: { name: 'ok.example', state: 'active' }, sending_dns_records: [null, { record_type: 'TXT', value: 'v=spf1 ~all', is_active: true, cached: [], valid: 'valid' }] },
      '/v3/ok.example/templates/welcome': { template: null },
    };
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', base);
      const body = bodies[decodeURIComponent(url.pathname)];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { message: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const connector = connectorFor(base, base, 'key-any');
      const domains = [];
      for await (const d of connector.domains()) domains.push(d);
      expect(domains.map((d) => [d.name, d.records.length])).toEqual([['ok.example', 1]]);
      expect(await connector.template('ok.example/welcome')).toBeNull();
      expect(connector.problems.drain().map((p) => [p.kind, p.sourceId])).toEqual([['domain', 'gone.example'], ['template', 'ok.example/welcome']]);
    } finally {
      server.close();
    }
  });
});
