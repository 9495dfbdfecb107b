import { describe, expect, it } from 'vitest';
import { useDatabaseWithPool } from '../support/test-database.js';
import { createOrgWithKey } from '../support/factories.js';
import { newId } from '../../src/db/ids.js';
import type { SealedCredential } from '../../src/modules/credentials/credential-sealer.js';
import {
  deleteEndpoint,
  endpointsWanting,
  insertEndpoint,
  listEndpoints,
  type WebhookEvent,
} from '../../src/modules/webhooks/webhook-endpoint.repository.js';
import {
  countDeliveries,
  findDeliveryToSend,
  insertDelivery,
  markDelivered,
  pageDeliveries,
  recordFailedAttempt,
} from '../../src/modules/webhooks/webhook-delivery.repository.js';

const env = useDatabaseWithPool();

// The repository stores the envelope as given; only the sealer looks inside it.
const sealed: SealedCredential = { v: 1, alg: 'AES-256-GCM', kek: 'local', wrappedKey: 'd2s=', iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y3Q=' };

async function endpoint(organizationId: string, events: WebhookEvent[], url = 'https://hooks.example.com/in') {
  const id = newId('whe');
  await insertEndpoint(env.pool, { id, organizationId, url, events, sealedSecret: sealed });
  return id;
}

describe('webhook endpoints', () => {
  it('are inserted, listed oldest first and deleted within their organization only', async () => {
    const { org } = await createOrgWithKey(env.db);
    const { org: other } = await createOrgWithKey(env.db);
    const first = await endpoint(org.id, ['migration.completed', 'migration.failed']);
    const second = await endpoint(org.id, ['migration.scan_completed'], 'https://hooks.example.com/two');
    const foreign = await endpoint(other.id, ['migration.completed']);

    const listed = await listEndpoints(env.pool, org.id);
    expect(listed.map((e) => e.id)).toEqual([first, second]);
    expect(listed[0]).toEqual({
      id: first,
      url: 'https://hooks.example.com/in',
      events: ['migration.completed', 'migration.failed'],
      created_at: expect.any(Date),
    });
    expect(await listEndpoints(env.pool, org.id, second)).toEqual([listed[1]]);
    expect(await listEndpoints(env.pool, org.id, foreign)).toEqual([]);
    const [stored] = await env.db.query('select sealed_secret from webhook_endpoints where id = $1', [first]);
    expect(stored!.sealed_secret).toEqual(sealed);

    expect(await endpointsWanting(env.pool, org.id, 'migration.completed')).toEqual([first]);
    expect(await endpointsWanting(env.pool, org.id, 'migration.scan_completed')).toEqual([second]);
    expect(await endpointsWanting(env.pool, other.id, 'migration.failed')).toEqual([]);

    expect(await deleteEndpoint(env.pool, org.id, foreign)).toBe(false);
    expect(await listEndpoints(env.pool, other.id)).toHaveLength(1);
    expect(await deleteEndpoint(env.pool, org.id, first)).toBe(true);
    expect(await deleteEndpoint(env.pool, org.id, first)).toBe(false);
    expect((await listEndpoints(env.pool, org.id)).map((e) => e.id)).toEqual([second]);
  });
});

describe('webhook deliveries', () => {
  it('are paged newest first by (created_at, id) after a cursor, and counted, per endpoint and organization', async () => {
    const { org } = await createOrgWithKey(env.db);
    const { org: other } = await createOrgWithKey(env.db);
    const hook = await endpoint(org.id, ['migration.completed']);
    const otherHook = await endpoint(org.id, ['migration.completed']);
    const foreignHook = await endpoint(other.id, ['migration.completed']);

    // Two pairs share a timestamp, so the id breaks the tie. The ids are renamed to ones that
    // differ only in a final digit, so their order does not depend on the database's collation.
    const prefix = `msg_${Date.now()}_`;
    const times = ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z', '2024-01-03T00:00:00Z'];
    for (const [i, at] of times.entries()) {
      const id = await insertDelivery(env.pool, { endpointId: hook, organizationId: org.id, event: 'migration.completed', payload: { n: i } });
      await env.db.query('update webhook_deliveries set id = $2, created_at = $3 where id = $1', [id, `${prefix}${i}`, at]);
    }
    await insertDelivery(env.pool, { endpointId: otherHook, organizationId: org.id, event: 'migration.completed', payload: {} });
    await insertDelivery(env.pool, { endpointId: foreignHook, organizationId: other.id, event: 'migration.completed', payload: {} });
    const newestFirst = [4, 3, 2, 1, 0].map((i) => `${prefix}${i}`);

    const page1 = await pageDeliveries(env.pool, org.id, hook, 2, null);
    expect(page1.map((d) => d.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1[0]).toEqual({
      id: newestFirst[0],
      event: 'migration.completed',
      status: 'pending',
      attempts: 0,
      last_status_code: null,
      last_error: null,
      created_at: new Date(times[4]!),
      delivered_at: null,
    });
    const page2 = await pageDeliveries(env.pool, org.id, hook, 2, page1[1]!.id);
    expect(page2.map((d) => d.id)).toEqual(newestFirst.slice(2, 4));
    const page3 = await pageDeliveries(env.pool, org.id, hook, 2, page2[1]!.id);
    expect(page3.map((d) => d.id)).toEqual(newestFirst.slice(4));
    expect(await pageDeliveries(env.pool, org.id, hook, 2, page3[0]!.id)).toEqual([]);

    expect(await pageDeliveries(env.pool, other.id, hook, 10, null)).toEqual([]);
    expect(await countDeliveries(env.pool, org.id, hook)).toBe(5);
    expect(await countDeliveries(env.pool, org.id, otherHook)).toBe(1);
    expect(await countDeliveries(env.pool, other.id, hook)).toBe(0);

    // Deleting the endpoint takes its delivery log with it.
    await deleteEndpoint(env.pool, org.id, hook);
    expect(await countDeliveries(env.pool, org.id, hook)).toBe(0);
  });

  it('are read for sending with their endpoint and record attempts', async () => {
    const { org } = await createOrgWithKey(env.db);
    const hook = await endpoint(org.id, ['migration.failed'], 'https://hooks.example.com/send');
    const payload = { type: 'migration.failed', data: { id: 'mig_1' } };
    const id = await insertDelivery(env.pool, { endpointId: hook, organizationId: org.id, event: 'migration.failed', payload });

    expect(await findDeliveryToSend(env.pool, 'msg_missing')).toBeNull();
    expect(await findDeliveryToSend(env.pool, id)).toEqual({
      id,
      status: 'pending',
      payload,
      url: 'https://hooks.example.com/send',
      endpoint_id: hook,
      organization_id: org.id,
      sealed_secret: sealed,
    });

    await recordFailedAttempt(env.pool, id, { statusCode: 500, error: 'endpoint answered 500', last: false });
    let [row] = await pageDeliveries(env.pool, org.id, hook, 1, null);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'endpoint answered 500', delivered_at: null });

    await markDelivered(env.pool, id, 204);
    [row] = await pageDeliveries(env.pool, org.id, hook, 1, null);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 204, last_error: null, delivered_at: expect.any(Date) });

    const failing = await insertDelivery(env.pool, { endpointId: hook, organizationId: org.id, event: 'migration.failed', payload });
    await recordFailedAttempt(env.pool, failing, { statusCode: null, error: 'connect ECONNREFUSED', last: true });
    expect((await findDeliveryToSend(env.pool, failing))!.status).toBe('failed');
  });
});
