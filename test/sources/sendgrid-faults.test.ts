import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSendGridAccount } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import { SendGridConnector } from '../../src/sources/sendgrid/sendgrid-connector.js';
import type { SourceContact, SourceSuppression } from '../../src/sources/source-types.js';

let sendgrid: SendGridEmulator;
let apiKey: string;
beforeAll(async () => {
  const account = generateSendGridAccount({ seed: 31, contacts: 3_000, lists: 2, templates: 3, groups: 2, suppressions: 40, duplicateShare: 0 });
  // A one-second window: a 429's X-RateLimit-Reset is the end of the window.
  sendgrid = await startSendGridEmulator({ account, maxFileSizeContacts: 1_000, rateLimit: { limit: 600, windowSeconds: 1 } });
  apiKey = account.apiKeys.find((k) => k.name === 'Migration (read all)')!.token;
});
afterEach(() => sendgrid.faults.clear());
afterAll(() => sendgrid.close());

const connector = (retryBudgetMs = 30_000) => new SendGridConnector({ baseUrl: sendgrid.url, apiKey, backoffBaseMs: 20, retryBudgetMs });

async function readEverything(c: SendGridConnector) {
  const lists = await c.lists();
  const members: Record<string, string[]> = {};
  for (const list of lists) {
    const emails: SourceContact[] = [];
    for await (const page of c.listMembers(list)) emails.push(...page.items);
    members[list.sourceId] = emails.map((e) => e.email).sort();
  }
  const fields = (await c.customFields()).map((f) => f.key).sort();
  const templates = await Promise.all((await c.templateSummaries()).map((t) => c.template(t.id)));
  const suppressions: SourceSuppression[] = [];
  for await (const page of c.suppressions()) suppressions.push(...page.items);
  return { members, fields, templates: templates.map((t) => t?.html).sort(), suppressions: suppressions.map((s) => `${s.reason}:${s.email}`).sort() };
}

describe('the SendGrid connector under provider faults', () => {
  it('reads exactly the same account through 429 storms, 5xx bursts, cut connections and malformed bodies', { timeout: 60_000 }, async () => {
    const truth = await readEverything(connector());
    const faults = [
      // 429s with X-RateLimit-Reset, and 429s that say nothing about when to come back.
      sendgrid.faults.inject({ kind: 'status', status: 429, times: 4, path: '/v3/marketing/lists' }),
      sendgrid.faults.inject({ kind: 'status', status: 429, times: 3, withoutRateHeaders: true, path: '/v3/marketing/field_definitions' }),
      sendgrid.faults.inject({ kind: 'status', status: 500, times: 3, path: /^\/v3\/templates\/[^/]+$/ }),
      sendgrid.faults.inject({ kind: 'status', status: 502, times: 1, path: '/v3/templates' }),
      sendgrid.faults.inject({ kind: 'cut', times: 2, path: /^\/v3\/suppression\// }),
      sendgrid.faults.inject({ kind: 'malformed', times: 2, path: '/v3/suppression/bounces' }),
      // The export API itself, and its files: a 500 burst, a cut and a truncated gzip.
      sendgrid.faults.inject({ kind: 'status', status: 503, times: 2, path: /^\/v3\/marketing\/contacts\/exports/ }),
      sendgrid.faults.inject({ kind: 'status', status: 500, times: 2, path: /^\/exports\// }),
      sendgrid.faults.inject({ kind: 'cut', times: 1, after: 3, path: /^\/exports\// }),
      sendgrid.faults.inject({ kind: 'malformed', times: 1, after: 6, path: /^\/exports\// }),
    ];
    const c = connector();
    expect(await readEverything(c)).toEqual(truth);
    for (const f of faults) expect(f.exhausted, JSON.stringify(f.rule)).toBe(true);
    expect(c.http.stats.rateLimited).toBe(7);
    expect(c.problems.drain()).toEqual([]);
  });

  it('names the file and the status when an export download keeps failing, and says so only when a link expired', { timeout: 60_000 }, async () => {
    const [list] = await connector().lists();
    sendgrid.faults.inject({ kind: 'status', status: 500, times: 100, path: /^\/exports\// });
    const read = async () => {
      for await (const page of connector(3_000).listMembers(list!)) void page;
    };
    const err = await read().catch((e: Error) => e);
    expect(err).toMatchObject({ kind: 'unavailable' });
    expect((err as Error).message).toMatch(/^Reading SendGrid export file 1 of \d+ failed after \d+ attempts over \d+ s: the download answered 500$/);
  });
});
