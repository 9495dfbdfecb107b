import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';

let demo: ManagedProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await demo?.stop('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('serves the README walkthrough: sources, start, review, approve, completed', { timeout: 180_000 }, async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'migrate-demo-'));
    const port = await freePort();
    demo = startProcess('scripts/demo.ts', {
      DATA_DIR: dataDir,
      PORT: String(port),
      DEMO_PG_PORT: String(await freePort()),
      DEMO_RESEND_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    });
    const apiKey = (await demo.waitFor(/export SENDRY_API_KEY=/, 60_000)).split('=')[1]!.trim();
    const credential = (await demo.waitFor(/export RESEND_CREDENTIAL=/)).split('=')[1]!.split('#')[0]!.trim();
    const client = restClient(`http://127.0.0.1:${port}`, apiKey);
    await eventually(() => client.get('/v1/migrate/sources').catch(() => ({ status: 0, body: null })), (r) => r.status === 200);

    const started = await client.post('/v1/migrate', { source: 'resend', credential });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review', 60_000);
    expect((await client.post(`/v1/migrate/${id}/approve`, { options: { contacts: true } })).body.status).toBe('importing');
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'completed', 120_000);
    expect(done.body.import_result.imported.contacts).toBeGreaterThan(150);
    expect(done.body.import_result.imported.templates).toBeGreaterThan(0);
    expect(await demo.stop('SIGINT')).toBe(0);
  });
});
