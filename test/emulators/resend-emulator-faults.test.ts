import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator, type ResendEmulator } from '../../emulators/resend/server.js';
import { fullKey, get } from './resend-helpers.js';

const RATE_LIMITED = {
  statusCode: 429,
  message: 'Too many requests. Please limit the number of requests per second. Or contact support to increase rate limit.',
  name: 'rate_limit_exceeded',
};

describe('Resend emulator: rate limit', () => {
  let now = 1_700_000_000_000;
  let em: ResendEmulator;
  beforeAll(async () => { em = await startResendEmulator({ account: generateResendAccount({ seed: 2, contacts: 10 }), rateLimit: 2, clock: () => now }); });
  afterAll(() => em.close());

  it('sends ratelimit-* headers on every response, errors included', async () => {
    now += 1000;
    const ok = await get(em, '/domains');
    expect(ok.headers.get('ratelimit-limit')).toBe('2');
    expect(ok.headers.get('ratelimit-remaining')).toBe('1');
    expect(ok.headers.get('ratelimit-reset')).toBe('1');
    expect(ok.headers.get('ratelimit-policy')).toBe('2;w=1');
    expect(ok.headers.get('retry-after')).toBeNull();
    const denied = await get(em, '/domains', null);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('answers 429 with retry-after past the limit, then recovers in the next window', async () => {
    now += 1000;
    em.stats.reset();
    expect((await get(em, '/domains')).status).toBe(200);
    expect((await get(em, '/domains')).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await get(em, '/domains');
      expect(res.status).toBe(429);
      expect(res.body).toEqual(RATE_LIMITED);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
    }
    expect(em.stats.total).toBe(5);
    expect(em.stats.rateLimited).toBe(3);
    expect(em.stats.byRoute['GET /domains']).toBe(5);
    now += 1000;
    const next = await get(em, '/domains');
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit-remaining')).toBe('1'); // the 429s consumed nothing
  });

  it('changes the limit at runtime', async () => {
    now += 1000;
    em.setRateLimit(5);
    const res = await get(em, '/api-keys');
    expect(res.headers.get('ratelimit-limit')).toBe('5');
    expect(res.headers.get('ratelimit-policy')).toBe('5;w=1');
    em.setRateLimit(2);
  });

  it('records request timestamps and per-route counts', async () => {
    em.stats.reset();
    now += 1000;
    await get(em, `/contacts/${em.account.contacts[0]!.id}`);
    now += 500;
    await get(em, `/contacts/${em.account.contacts[1]!.id}`);
    expect(em.stats.byRoute).toEqual({ 'GET /contacts/{id}': 2 });
    expect(em.stats.timestamps).toHaveLength(2);
    expect(em.stats.achievedRate()).toBeCloseTo(2, 5);
  });
});

describe('Resend emulator: injected faults', () => {
  let em: ResendEmulator;
  beforeAll(async () => { em = await startResendEmulator({ account: generateResendAccount({ seed: 4, contacts: 40 }), rateLimit: 10_000 }); });
  afterEach(() => { em.faults.clear(); em.stats.reset(); });
  afterAll(() => em.close());

  it('plays a 429 burst with retry-after, then serves normally', async () => {
    const handle = em.faults.inject({ kind: 'status', status: 429, times: 5, retryAfterSeconds: 2 });
    for (let i = 0; i < 5; i++) {
      const res = await get(em, '/contacts?limit=1');
      expect(res.status).toBe(429);
      expect(res.body).toEqual(RATE_LIMITED);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.headers.get('ratelimit-limit')).toBe('10000');
    }
    expect(handle.exhausted).toBe(true);
    expect((await get(em, '/contacts?limit=1')).status).toBe(200);
    expect(em.stats.rateLimited).toBe(5);
  });

  it('answers 500, 502 (Cloudflare HTML) and 503 with realistic bodies', async () => {
    em.faults.inject({ kind: 'status', status: 500 });
    const e500 = await get(em, '/domains');
    expect(e500.status).toBe(500);
    expect(e500.body).toMatchObject({ statusCode: 500, name: 'internal_server_error' });
    em.faults.inject({ kind: 'status', status: 503, retryAfterSeconds: 3 });
    const e503 = await get(em, '/domains');
    expect(e503.body).toMatchObject({ statusCode: 503, name: 'service_unavailable' });
    expect(e503.headers.get('retry-after')).toBe('3');
    em.faults.inject({ kind: 'status', status: 502 });
    const e502 = await fetch(`${em.url}/domains`, { headers: { authorization: `Bearer ${fullKey(em)}`, 'user-agent': 't' } });
    expect(e502.status).toBe(502);
    expect(e502.headers.get('content-type')).toBe('text/html');
    expect(await e502.text()).toContain('502 Bad Gateway');
  });

  it('matches by method and path (template string or RegExp) and honours after', async () => {
    const c = em.account.contacts[0]!;
    em.faults.inject({ kind: 'status', status: 500, path: '/contacts/{id}', after: 2 });
    expect((await get(em, '/contacts')).status).toBe(200);
    expect((await get(em, `/contacts/${c.id}`)).status).toBe(200);
    expect((await get(em, `/contacts/${c.id}`)).status).toBe(200);
    expect((await get(em, `/contacts/${c.id}`)).status).toBe(500);
    expect((await get(em, `/contacts/${c.id}`)).status).toBe(200);
    em.faults.inject({ kind: 'status', status: 503, path: /^\/domains/, method: 'GET', times: 2 });
    expect((await get(em, '/api-keys')).status).toBe(200);
    expect((await get(em, '/domains')).status).toBe(503);
    expect((await get(em, `/domains/${em.account.domains[0]!.id}`)).status).toBe(503);
    expect((await get(em, '/domains')).status).toBe(200);
    const removed = em.faults.inject({ kind: 'status', status: 500 });
    removed.remove();
    expect((await get(em, '/domains')).status).toBe(200);
    expect(removed.fired).toBe(0);
  });

  it('delays the real response with slow', async () => {
    em.faults.inject({ kind: 'slow', delayMs: 300 });
    const started = Date.now();
    const res = await get(em, '/domains');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('list');
  });

  it('cuts the connection mid-body with cut', async () => {
    em.faults.inject({ kind: 'cut', path: '/contacts' });
    const res = await fetch(`${em.url}/contacts`, { headers: { authorization: `Bearer ${fullKey(em)}`, 'user-agent': 't' } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect((await get(em, '/contacts')).body.data).toHaveLength(40);
  });

  it('sends a 200 whose body is not valid JSON with malformed', async () => {
    em.faults.inject({ kind: 'malformed' });
    const res = await fetch(`${em.url}/contacts`, { headers: { authorization: `Bearer ${fullKey(em)}`, 'user-agent': 't' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await res.text();
    expect(text.startsWith('{"object":"list"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });
});
