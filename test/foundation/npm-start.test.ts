import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess, type ManagedProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { eventually } from '../support/test-worker.js';

const started: ManagedProcess[] = [];
let dataDir: string | undefined;

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop('SIGKILL')));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function viewer(port: number, key: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ viewer { organization { name } scope } }' }),
  });
  return (await res.json()) as { data?: { viewer: { scope: string } } };
}

describe('npm start without DATABASE_URL', () => {
  it('boots the embedded database, prints a first key once, and reuses the data on restart', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'migrate-start-'));
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info' };

    const first = startProcess('src/main.ts', env);
    started.push(first);
    const keyLine = await first.waitFor(/^\s+mk_[A-Za-z0-9_-]{43}\s*$/, 60_000);
    const key = keyLine.trim();
    await first.waitFor(/API listening/);
    await first.waitFor(/worker ready/);
    expect(first.output()).toContain(`curl -s http://127.0.0.1:${port}/graphql -H 'Authorization: Bearer ${key}'`);
    expect((await viewer(port, key)).data?.viewer.scope).toBe('full_access');
    expect(await first.stop('SIGTERM')).toBe(0);
    // The embedded server was shut down too: it removes its pid file on a clean stop.
    await expect(stat(path.join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();

    const second = startProcess('src/main.ts', env);
    started.push(second);
    await second.waitFor(/API listening/, 60_000);
    expect(second.output()).not.toMatch(/mk_[A-Za-z0-9_-]{43}/);
    expect((await viewer(port, key)).data?.viewer.scope).toBe('full_access');

    // A worker that dies is started again; the API never went away.
    const workerLine = await second.waitFor(/worker ready/);
    const workerPid = (JSON.parse(workerLine) as { pid: number }).pid;
    process.kill(workerPid, 'SIGKILL');
    await second.waitFor(/child process exited; restarting/);
    await eventually(
      async () => second.output().split('\n').filter((l) => /worker ready/.test(l)).length,
      (n) => n >= 2,
      30_000,
    );
    expect((await viewer(port, key)).data?.viewer.scope).toBe('full_access');
    await eventually(() => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status), (status) => status === 200, 30_000);
    expect(await second.stop('SIGINT')).toBe(0);
  });
});
