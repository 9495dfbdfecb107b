import { scanResultSchema } from '../../src/model/scan-result.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { generateResendAccount, resendTruth } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import type { AccountAge } from '../../emulators/resend/model.js';
import { ResendConnector } from '../../src/sources/resend/resend-connector.js';
import { SourceError } from '../../src/sources/source-types.js';
import { emailProblem } from '../../src/sources/shared/email.js';

const emulators: ResendEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

async function emulate(age: AccountAge, rateLimit = 100, contacts = 260) {
  const em = await startResendEmulator({
    account: generateResendAccount({ seed: 7, age, contacts, lists: 4 }),
    rateLimit,
  });
  emulators.push(em);
  return em;
}

const keyOf = (em: ResendEmulator, permission: 'full_access' | 'sending_access') =>
  em.account.apiKeys.find((k) => k.permission === permission)!.token;

const connect = (em: ResendEmulator, key = keyOf(em, 'full_access')) =>
  new ResendConnector({ baseUrl: em.url, apiKey: key, backoffBaseMs: 5 });

/** Reads every list's members and the global contacts, as the importer does. */
async function readAll(connector: ResendConnector) {
  const members: Record<string, string[]> = {};
  const all = new Set<string>();
  for (const list of await connector.lists()) {
    const emails = new Set<string>();
    for await (const page of connector.listMembers(list)) {
      for (const c of page.items) if (!emailProblem(c.email)) emails.add(c.email);
    }
    members[list.sourceId] = [...emails].sort();
    emails.forEach((e) => all.add(e));
  }
  for await (const page of connector.globalContacts()) {
    for (const c of page.items) if (!emailProblem(c.email)) all.add(c.email);
  }
  return { members, all: [...all].sort() };
}

describe.each(['old', 'new', 'mixed'] as const)('a %s Resend account', (age) => {
  it('is scanned and read completely and exactly', async () => {
    const em = await emulate(age);
    const truth = resendTruth(em.account);
    const connector = connect(em);

    const scan = await connector.scan();
    expect(scan.domains.map((d) => d.name).sort()).toEqual(em.account.domains.map((d) => d.name).sort());
    expect(scan.audiences.map((a) => a.id).sort()).toEqual(em.account.lists.map((l) => l.id).sort());
    expect(scan.contacts.total! - scan.contacts.invalid!).toBe(truth.contactEmails.length);
    for (const list of em.account.lists) {
      const records = list.legacy
        ? em.account.audienceContacts.filter((c) => c.audience_id === list.id).length
        : em.account.contacts.filter((c) => c.segmentIds.includes(list.id)).length;
      expect(scan.audiences.find((a) => a.id === list.id)?.contactCount).toBe(records);
    }
    expect(scan.templates).toHaveLength(truth.counts.templates);
    expect(scan.suppressionGroups).toHaveLength(truth.counts.topics);
    expect(scan.customFields).toHaveLength(truth.counts.contactProperties);
    expect(scan.suppressions.total).toBe(truth.counts.suppressions);
    if (age === 'old') expect(scan.errors.map((e) => e.resource)).toContain('templates');
    else expect(scan.errors).toEqual([]);
    expect(scan.estimate.total.requests).toBeGreaterThan(0);
    const perContact = age === 'old' ? 0 : em.account.contacts.length;
    const requests = (kind: string) => scan.estimate.kinds.find((k) => k.kind === kind)?.requests;
    expect(requests('suppression_groups')).toBe(age === 'old' ? 1 : 1 + perContact);
    expect(requests('templates')).toBe(1 + truth.counts.templates);
    expect(scan.estimate.rateLimit).toBe(100);
    // The one shape of every source.
    expect(scanResultSchema.parse(scan)).toEqual(scan);

    const read = await readAll(connector);
    expect(read.members).toEqual(truth.listMembers);
    expect(read.all).toEqual(truth.contactEmails);
  });
});

describe('resilience', () => {
  it('reads exactly through 429 bursts, 5xx, cut connections and malformed bodies', async () => {
    const em = await emulate('mixed');
    const truth = resendTruth(em.account);
    // Spread over the endpoints so no single request fails more often than the retry budget.
    const faults = [
      em.faults.inject({ kind: 'status', status: 429, times: 4, retryAfterSeconds: 1, path: '/contacts' }),
      em.faults.inject({ kind: 'status', status: 500, times: 2, path: /^\/segments\/[^/]+\/contacts$/ }),
      em.faults.inject({ kind: 'status', status: 503, times: 1, path: '/segments' }),
      em.faults.inject({ kind: 'status', status: 502, times: 1, path: '/audiences' }),
      em.faults.inject({ kind: 'cut', times: 1, after: 1, path: '/contacts' }),
      em.faults.inject({ kind: 'malformed', times: 1, path: /^\/audiences\/[^/]+\/contacts$/ }),
    ];
    const connector = connect(em);
    const read = await readAll(connector);
    expect(read.members).toEqual(truth.listMembers);
    expect(read.all).toEqual(truth.contactEmails);
    expect(connector.http.stats.retries).toBeGreaterThanOrEqual(10);
    expect(faults.every((f) => f.exhausted)).toBe(true);
  });

  it('rides out a provider outage of several seconds within its budget', async () => {
    const em = await emulate('new');
    const outage = em.faults.inject({ kind: 'status', status: 503, times: 100_000, path: '/domains' });
    setTimeout(() => outage.remove(), 3000);
    const connector = new ResendConnector({ baseUrl: em.url, apiKey: em.account.apiKeys.find((k) => k.permission === 'full_access')!.token, backoffBaseMs: 100, retryBudgetMs: 60_000 });
    await expect(connector.validateCredential()).resolves.toBeUndefined();
    expect(outage.fired).toBeGreaterThan(1);
  });

  it('retries for its time budget, not a count, and then gives up with a clear error', async () => {
    const em = await emulate('new');
    const fault = em.faults.inject({ kind: 'status', status: 503, times: 1000, path: '/domains' });
    const started = Date.now();
    const connector = new ResendConnector({ baseUrl: em.url, apiKey: em.account.apiKeys.find((k) => k.permission === 'full_access')!.token, backoffBaseMs: 20, retryBudgetMs: 1500 });
    const err = await connector.validateCredential().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/failed after \d+ attempts over \d+ s \(server error 503\)$/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    // Far more than the six attempts a count would have allowed.
    expect(fault.fired).toBeGreaterThan(6);
  });

  it('never causes a 429 itself, even starting below the team limit it learns from headers', async () => {
    const em = await emulate('new', 5);
    const connector = connect(em);
    for (let i = 0; i < 16; i++) await connector.http.get('/domains', { limit: 1 });
    expect(em.stats.rateLimited).toBe(0);
    expect(connector.http.pacer.currentLimit).toBe(5);
  });
});

describe('credentials', () => {
  it('accepts a full access key', async () => {
    const em = await emulate('new');
    await expect(connect(em).validateCredential()).resolves.toBeUndefined();
  });

  it('rejects a sending-only key, telling the user to create a full access key', async () => {
    const em = await emulate('new');
    const err = await connect(em, keyOf(em, 'sending_access')).validateCredential().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'restricted_credential', message: expect.stringMatching(/Full access key/) });
  });

  it('rejects an unknown key as invalid', async () => {
    const em = await emulate('new');
    const err = await connect(em, 're_unknown_key_123').validateCredential().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid_credential' });
  });

  it('reports an unreachable provider as unavailable, not as a bad key', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const connector = new ResendConnector({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 're_x', backoffBaseMs: 1, retryBudgetMs: 500 });
    const err = await connector.validateCredential().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('network error') });
  });
});

describe('protocol guards', () => {
  async function fakeResend(handler: (url: URL) => unknown) {
    const server = http.createServer((req, res) => {
      const body = JSON.stringify(handler(new URL(req.url!, 'http://x')));
      res.writeHead(200, { 'content-type': 'application/json', 'ratelimit-limit': '100' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it('ends a read whose cursor does not advance with an error instead of looping', async () => {
    const page = { object: 'list', has_more: true, data: [{ id: 'a', email: 'a@x.com', created_at: null }, { id: 'b', email: 'b@x.com', created_at: null }] };
    const fake = await fakeResend(() => page);
    const connector = new ResendConnector({ baseUrl: fake.url, apiKey: 're_x' });
    const read = async () => {
      for await (const p of connector.globalContacts()) void p;
    };
    await expect(read()).rejects.toMatchObject({ kind: 'pagination_stuck', message: expect.stringContaining('GET /contacts') });
    await fake.close();
  });

  it('reads each list item on its own: a bad one is reported and skipped, the rest goes on', async () => {
    const fake = await fakeResend((url) =>
      url.pathname === '/segments'
        ? { object: 'list', has_more: false, data: [{ id: 7, name: 'numeric id' }, { name: 'no id' }, { id: 'seg_b', name: null, extra: [1] }] }
        : { data: [] },
    );
    const connector = new ResendConnector({ baseUrl: fake.url, apiKey: 're_x' });
    const lists = await connector.lists();
    expect(lists.map((l) => [l.sourceId, l.name])).toEqual([['7', 'numeric id'], ['seg_b', 'seg_b']]);
    expect(connector.problems.drain()).toEqual([
      { kind: 'audience', sourceId: 'item 1 of GET /segments after the start', reason: expect.stringMatching(/^unreadable record \(id: /) },
    ]);
    await fake.close();
  });

  it('names the endpoint and the field when a whole response has an unexpected shape', async () => {
    const fake = await fakeResend((url) => (url.pathname === '/segments' ? { object: 'list', data: 'nope' } : { data: [] }));
    const connector = new ResendConnector({ baseUrl: fake.url, apiKey: 're_x' });
    await expect(connector.lists()).rejects.toMatchObject({
      kind: 'unexpected_response',
      message: expect.stringMatching(/GET \/segments.*data/),
    });
    await fake.close();
  });
});
