import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import pg from 'pg';
import { parseEnv } from '../../src/config/env.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { HttpEnv } from '../../src/http/http-context.js';
import { clientAddress, createRateLimits, type RateLimitOptions } from '../../src/http/rate-limit.js';
import { testPool, useDatabaseWithPool } from '../support/test-database.js';
import { serveApp, testAuth } from '../support/serve-app.js';

const database = useDatabaseWithPool();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/**
 * The order app.ts uses: client address → per-address limit → authentication → per-key limit →
 * route. `settings` are environment variables; `pool` defaults to the test database's.
 */
async function startApp(settings: Record<string, string>, pool?: pg.Pool, logger?: Logger, options?: RateLimitOptions) {
  const env = parseEnv(settings);
  const limits = createRateLimits(
    { env, pool: pool ?? database.pool, logger: logger ?? createLogger('silent', 'test') },
    options,
  );
  const app = new Hono<HttpEnv>();
  app.use('*', async (c, next) => {
    c.set('clientAddress', clientAddress(c, env.TRUST_PROXY));
    await next();
  });
  app.use('*', limits.byAddress);
  app.use('*', testAuth());
  app.use('*', limits.byKey);
  app.get('/ping', (c) => c.json({ address: c.get('clientAddress') }));
  const server = await serveApp(app);
  closers.push(server.close);
  return { ...server, limits };
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/ping`, { headers });
const newKey = () => `key_${randomUUID()}`;
const newAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limit per API key', () => {
  it('counts requests per key, with RateLimit headers, then 429 with Retry-After', async () => {
    const app = await startApp({ RATE_LIMIT_PER_KEY: '3', RATE_LIMIT_PER_ADDRESS: '0' });
    const key = newKey();
    for (let i = 1; i <= 3; i++) {
      const res = await get(app.url, { 'x-test-key': key });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('3;w=60');
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^limit=3, remaining=${3 - i}, reset=(60|59)$`));
    }
    const refused = await get(app.url, { 'x-test-key': key });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(refused.headers.get('ratelimit')).toMatch(/^limit=3, remaining=0, reset=(60|59)$/);
    expect(await refused.json()).toMatchObject({
      error: { code: 'rate_limited', message: expect.stringContaining('this API key') },
    });

    // Another key has its own count; anonymous requests are not counted per key at all.
    expect((await get(app.url, { 'x-test-key': newKey() })).status).toBe(200);
    const anonymous = await get(app.url);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('ratelimit')).toBeNull();
  });

  it('starts a new count when the window ends', async () => {
    const app = await startApp({ RATE_LIMIT_WINDOW_SECONDS: '1', RATE_LIMIT_PER_KEY: '1', RATE_LIMIT_PER_ADDRESS: '0' });
    const key = newKey();
    expect((await get(app.url, { 'x-test-key': key })).status).toBe(200);
    const refused = await get(app.url, { 'x-test-key': key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    await sleep(1100);
    const again = await get(app.url, { 'x-test-key': key });
    expect(again.status).toBe(200);
    expect(again.headers.get('ratelimit')).toBe('limit=1, remaining=0, reset=1');
  });
});

describe('rate limit per client address', () => {
  it('counts before authentication, per X-Forwarded-For address behind a trusted proxy', async () => {
    const app = await startApp({ RATE_LIMIT_PER_ADDRESS: '2', RATE_LIMIT_PER_KEY: '0', TRUST_PROXY: 'true' });
    const address = newAddress();
    expect((await get(app.url, { 'x-forwarded-for': `${address}, 192.0.2.1` })).status).toBe(200);
    // Authenticated or not, the same address shares one count.
    const second = await get(app.url, { 'x-forwarded-for': address, 'x-test-key': newKey() });
    expect(second.status).toBe(200);
    expect(second.headers.get('ratelimit-policy')).toBe('2;w=60');
    expect(second.headers.get('ratelimit')).toMatch(/^limit=2, remaining=0, reset=/);
    const refused = await get(app.url, { 'x-forwarded-for': address });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await refused.json()).error.message).toContain('this address');
    expect((await get(app.url, { 'x-forwarded-for': newAddress() })).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted, and normalises addresses', async () => {
    const untrusted = await startApp({ RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0' });
    expect(await (await get(untrusted.url, { 'x-forwarded-for': '203.0.113.9' })).json()).toEqual({ address: '127.0.0.1' });
    const trusted = await startApp({ RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_KEY: '0', TRUST_PROXY: 'true' });
    const seen = async (xff: string) => ((await (await get(trusted.url, { 'x-forwarded-for': xff })).json()) as { address: string }).address;
    expect(await seen('203.0.113.9:4711, 10.0.0.1')).toBe('203.0.113.9');
    expect(await seen('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(await seen('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(await seen('not an address')).toBe('127.0.0.1'); // garbage falls back to the socket
  });

  it('counts an IPv6 client by its /64', async () => {
    const app = await startApp({ RATE_LIMIT_PER_ADDRESS: '2', RATE_LIMIT_PER_KEY: '0', TRUST_PROXY: 'true' });
    expect((await get(app.url, { 'x-forwarded-for': '2001:db8:7:1::1' })).status).toBe(200);
    expect((await get(app.url, { 'x-forwarded-for': '2001:db8:7:1::2' })).status).toBe(200);
    expect((await get(app.url, { 'x-forwarded-for': '2001:db8:7:1:ffff::3' })).status).toBe(429);
    expect((await get(app.url, { 'x-forwarded-for': '2001:db8:7:2::1' })).status).toBe(200);
  });

  it('with both limits, the headers describe the one closer to refusing', async () => {
    const app = await startApp({ RATE_LIMIT_PER_ADDRESS: '10', RATE_LIMIT_PER_KEY: '2', TRUST_PROXY: 'true' });
    const res = await get(app.url, { 'x-forwarded-for': newAddress(), 'x-test-key': newKey() });
    expect(res.headers.get('ratelimit')).toMatch(/^limit=2, remaining=1, /);
    expect(res.headers.get('ratelimit-policy')).toBe('2;w=60');
  });
});

describe('shared by every API process', () => {
  it('two limiter instances on their own pools share one count in PostgreSQL', async () => {
    const settings = { RATE_LIMIT_PER_KEY: '4', RATE_LIMIT_PER_ADDRESS: '0' };
    const pools = [1, 2].map(() => testPool(database.db.url, 2));
    closers.push(async () => Promise.all(pools.map((p) => p.end())).then(() => undefined));
    const [a, b] = [await startApp(settings, pools[0]), await startApp(settings, pools[1])];
    const key = newKey();
    const statuses = [];
    for (const app of [a, b, a, a, b, a]) statuses.push((await get(app!.url, { 'x-test-key': key })).status);
    // B had seen 1 of the 4 requests: it refuses the 5th because the shared row says so (A then
    // refuses from memory, as it used the key up itself).
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const [row] = await database.db.query<{ points: number }>('select points from rate_limits where key = $1', [`key:${key}`]);
    expect(row!.points).toBe(5);
  });

  it('concurrent requests over both instances pass exactly the limit', async () => {
    const settings = { RATE_LIMIT_PER_KEY: '10', RATE_LIMIT_PER_ADDRESS: '0' };
    const pools = [1, 2].map(() => testPool(database.db.url, 2));
    closers.push(async () => Promise.all(pools.map((p) => p.end())).then(() => undefined));
    const apps = [await startApp(settings, pools[0]), await startApp(settings, pools[1])];
    const key = newKey();
    const statuses = await Promise.all(
      Array.from({ length: 24 }, (_, i) => get(apps[i % 2]!.url, { 'x-test-key': key }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14);
  });

  it('consume() counts any event (WebSocket connections, operations) the same way', async () => {
    const { limits } = await startApp({ RATE_LIMIT_PER_KEY: '2', RATE_LIMIT_PER_ADDRESS: '0' });
    const id = newKey();
    expect(await limits.consume('key', id)).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect(await limits.consume('key', id)).toMatchObject({ allowed: true, limit: 2, remaining: 0 });
    const refused = await limits.consume('key', id);
    expect(refused).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThan(0);
    // Ids longer than the store's key column are hashed, not rejected.
    expect(await limits.consume('key', 'x'.repeat(1000))).toMatchObject({ allowed: true });
  });
});

describe('disabled and failing limits', () => {
  it('a limit of 0 never refuses and sends no RateLimit headers', async () => {
    const app = await startApp({ RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '0' });
    const key = newKey();
    for (let i = 0; i < 15; i++) {
      const res = await get(app.url, { 'x-test-key': key });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
    expect(await app.limits.consume('address', '192.0.2.1')).toEqual({ allowed: true, limit: 0, remaining: 0, resetSeconds: 0 });
    expect(await database.db.query('select 1 from rate_limits where key like $1', [`key:${key}`])).toEqual([]);
  });

  it('fails open when the database refuses connections, warning once per interval', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const down = new pg.Pool({ connectionString: `postgres://u:p@127.0.0.1:${closedPort}/none`, max: 1 });
    down.on('error', () => {});
    closers.push(() => down.end());
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const app = await startApp({ RATE_LIMIT_PER_KEY: '1', RATE_LIMIT_PER_ADDRESS: '1' }, down, logger, { pauseAfterFailureMs: 0 });
    const key = newKey();
    for (let i = 0; i < 5; i++) {
      const res = await get(app.url, { 'x-test-key': key });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
    expect(warnings).toHaveLength(1);
  });

  it('fails open, without waiting long, when the database hangs', async () => {
    // Accepts connections and never answers, like a database behind a dead network path.
    const sockets: net.Socket[] = [];
    const blackhole = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', () => r()));
    const { port } = blackhole.address() as net.AddressInfo;
    const hung = new pg.Pool({ connectionString: `postgres://u:p@127.0.0.1:${port}/none`, max: 1 });
    hung.on('error', () => {});
    closers.push(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => blackhole.close(r));
      await hung.end().catch(() => {});
    });
    const app = await startApp({ RATE_LIMIT_PER_KEY: '1', RATE_LIMIT_PER_ADDRESS: '0' }, hung, undefined, {
      storeTimeoutMs: 200,
      pauseAfterFailureMs: 60_000,
    });
    const key = newKey();
    const started = performance.now();
    expect((await get(app.url, { 'x-test-key': key })).status).toBe(200); // waited for the timeout
    expect((await get(app.url, { 'x-test-key': key })).status).toBe(200); // store skipped meanwhile
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
