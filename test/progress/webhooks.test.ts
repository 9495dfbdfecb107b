import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { startTestApi, graphql, payloadOf, errorCode } from '../support/test-api.js';
import { eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { CreateWebhookEndpointDocument, WebhookEndpointsDocument } from '../../src/graphql/generated/operations.js';


const env = useMigrationEnv({ account: { seed: 61, contacts: 40 }, settings: { WEBHOOK_ALLOW_PRIVATE: 'true' } });

/** A receiver that verifies every request's signature and answers 500 to each id's first attempt. */
async function receiver() {
  const attemptsById = new Map<string, number>();
  const accepted: { id: string; type: string; data: { id: string; status: string } }[] = [];
  let secret = '';
  let badSignatures = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      try {
        new Webhook(secret).verify(body, headers);
      } catch {
        badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const id = headers['webhook-id']!;
      const attempt = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, attempt);
      if (attempt === 1) return void res.writeHead(500).end('try again');
      if (!accepted.some((a) => a.id === id)) accepted.push({ id, ...(JSON.parse(body) as Omit<(typeof accepted)[0], 'id'>) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    setSecret: (s: string) => void (secret = s),
    accepted,
    attemptsById,
    badSignatures: () => badSignatures,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('webhooks', () => {
  it('delivers each event once per delivery id, signed, after retrying a 500', async () => {
    const { key } = await createOrgWithKey(env.db);
    const hook = await receiver();
    const created = await graphql(env.api.url, key, CreateWebhookEndpointDocument, {
      url: hook.url,
      events: ['migration_scan_completed', 'migration_completed', 'migration_failed'],
    });
    const secret = payloadOf(created.data!.createWebhookEndpoint).secret;
    expect(secret).toMatch(/^whsec_/);
    hook.setSecret(secret);

    const client = restClient(env.api.url, key);
    const id = (await client.post('/v1/migrate', { source: 'resend', credential: env.credential })).body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    await client.post(`/v1/migrate/${id}/approve`, {});
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'completed');

    await eventually(async () => hook.accepted.length, (n) => n >= 2, 30_000);
    // Deliveries are independent (each retried on its own schedule): no order is promised.
    expect(hook.accepted.map((a) => a.type).sort()).toEqual(['migration.completed', 'migration.scan_completed']);
    expect(hook.accepted.every((a) => a.data.id === id)).toBe(true);
    expect(hook.accepted.find((a) => a.type === 'migration.completed')!.data.status).toBe('completed');
    for (const a of hook.accepted) expect(hook.attemptsById.get(a.id)).toBe(2);
    expect(hook.badSignatures()).toBe(0);

    const log = await eventually(
      () => graphql(env.api.url, key, WebhookEndpointsDocument),
      (r) => r.data!.webhookEndpoints.nodes[0]!.deliveries.nodes.every((d) => d.status === 'delivered'),
    );
    expect(log.data!.webhookEndpoints.nodes[0]!.deliveries.nodes.map((d) => [d.event, d.attempts, d.lastStatusCode])).toEqual([
      ['migration_completed', 2, 204],
      ['migration_scan_completed', 2, 204],
    ]);
    await hook.close();
  });

  it('reports a cancelled migration as migration.failed', async () => {
    const { key } = await createOrgWithKey(env.db);
    const hook = await receiver();
    const created = await graphql(env.api.url, key, CreateWebhookEndpointDocument, { url: hook.url, events: ['migration_failed'] });
    hook.setSecret(payloadOf(created.data!.createWebhookEndpoint).secret);
    const client = restClient(env.api.url, key);
    const id = (await client.post('/v1/migrate', { source: 'resend', credential: env.credential })).body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    await client.post(`/v1/migrate/${id}/cancel`);
    await eventually(async () => hook.accepted.length, (n) => n >= 1, 30_000);
    expect(hook.accepted).toEqual([expect.objectContaining({ type: 'migration.failed', data: expect.objectContaining({ id, status: 'failed' }) })]);
    await hook.close();
  });

  it('refuses loopback and private addresses unless allowed, and bad input', async () => {
    const strict = await startTestApi(env.db);
    try {
      const { key } = await createOrgWithKey(env.db);
      const sneaky = ['http://[::127.0.0.1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://[::10.0.0.1]/x', 'https://93.184.216.34:0/hook'];
      for (const url of ['http://127.0.0.1:9/x', 'http://10.1.2.3/x', 'http://[::1]/x', 'http://localhost/x', 'ftp://example.com/x', 'not a url', ...sneaky]) {
        const res = await graphql(strict.url, key, CreateWebhookEndpointDocument, { url, events: ['migration_completed'] });
        expect(errorCode(res), url).toBe('validation_error');
      }
      expect(errorCode(await graphql(strict.url, key, CreateWebhookEndpointDocument, { url: 'https://93.184.216.34/hook', events: ['migration.exploded' as never] }))).toBe('validation_error');
      const ok = await graphql(strict.url, key, CreateWebhookEndpointDocument, { url: 'https://93.184.216.34/hook', events: ['migration_completed'] });
      expect(payloadOf(ok.data?.createWebhookEndpoint).endpoint.events).toEqual(['migration_completed']);
    } finally {
      await strict.close();
    }
  });
});
