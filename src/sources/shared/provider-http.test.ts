import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../source-types.js';
import { ProviderHttpClient, type ProviderErrorText, type ProviderHttpOptions, type RateLimitVerdict } from './provider-http.js';
import type { RetryBudget } from './retry-budget.js';

/** A provider with Postmark-like hooks: a token header, `{ErrorCode, Message}` bodies, a 429 naming its wait in ms. */
class TestHttp extends ProviderHttpClient {
  private resumeAt = 0;

  constructor(options: ProviderHttpOptions) {
    super({ name: 'Test', userAgent: 'provider-http-test', timeoutMs: 5_000, auth: { 'x-test-token': 'secret' } }, options);
  }

  protected override async beforeAttempt(): Promise<boolean> {
    const wait = this.resumeAt - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal: this.options.signal });
    return true;
  }

  protected rateLimited(_request: unknown, headers: Headers, budget: RetryBudget): RateLimitVerdict {
    const waitMs = Number(headers.get('x-wait-ms'));
    this.resumeAt = Date.now() + waitMs;
    return { problem: `rate limited (429, wait ${waitMs} ms)`, retry: waitMs <= budget.remainingMs };
  }

  protected readError(body: unknown): ProviderErrorText {
    const b = body as { ErrorCode?: number; Message?: string } | null;
    return { code: b?.ErrorCode === undefined ? undefined : String(b.ErrorCode), message: b?.Message };
  }
}

type Reply = (res: http.ServerResponse) => void;
const json = (status: number, body: string, headers: Record<string, string> = {}): Reply => (res) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);

/** Replies in order; the last one repeats. */
let replies: Reply[] = [];
let seen: { at: number; token: string | undefined }[] = [];
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ at: Date.now(), token: req.headers['x-test-token'] as string | undefined });
    (replies.length > 1 ? replies.shift()! : replies[0]!)(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  replies = [];
  seen = [];
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const client = (options: Partial<ProviderHttpOptions> = {}) => new TestHttp({ baseUrl, backoffBaseMs: 5, retryBudgetMs: 10_000, ...options });

describe('ProviderHttpClient', () => {
  it('retries 5xx answers, then returns the body', async () => {
    replies = [json(500, '{}'), json(503, '{}'), json(200, '{"ok":true}')];
    const c = client();
    await expect(c.get('/things', { limit: 1 })).resolves.toEqual({ ok: true });
    expect(c.stats).toEqual({ requests: 3, retries: 2, rateLimited: 0 });
    expect(seen.every((s) => s.token === 'secret')).toBe(true);
  });

  it('waits as the rate-limit hook says after a 429', async () => {
    replies = [json(429, '{}', { 'x-wait-ms': '300' }), json(200, '[]')];
    const c = client();
    await expect(c.get('/things')).resolves.toEqual([]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(250);
    expect(c.stats).toEqual({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('gives up at once as rate_limited when the 429 wait outlasts the budget', async () => {
    replies = [json(429, '{}', { 'x-wait-ms': '60000' })];
    const err = await client({ retryBudgetMs: 1_000 }).get('/things').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', message: 'Test GET /things failed after 1 attempt over 0 s (rate limited (429, wait 60000 ms))' });
    expect(seen).toHaveLength(1);
  });

  it('gives up as unavailable when the budget is spent, naming the attempts', async () => {
    replies = [json(502, 'bad gateway')];
    const started = Date.now();
    const err = await client({ retryBudgetMs: 400 }).get('/things').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/^Test GET \/things failed after \d+ attempts over \d+ s \(server error 502\)$/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('maps a 401 to invalid_credential with the provider code and message, without retrying', async () => {
    replies = [json(401, '{"ErrorCode":10,"Message":"Bad or missing\\nserver token."}')];
    const err = await client().get('/things').catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'invalid_credential',
      message: 'Test rejected the API key (10: Bad or missing server token.)',
      details: { endpoint: 'GET /things', status: 401, providerCode: '10' },
    });
    expect(seen).toHaveLength(1);
  });

  it('retries a malformed JSON body', async () => {
    replies = [json(200, '{"truncated":'), json(200, '{"whole":1}')];
    const c = client();
    await expect(c.get('/things')).resolves.toEqual({ whole: 1 });
    expect(c.stats.retries).toBe(1);
  });

  it('stops promptly when the signal aborts, with the signal’s reason', async () => {
    replies = [() => {}]; // never answers
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await expect(client({ signal: controller.signal }).get('/things')).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
