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
});
