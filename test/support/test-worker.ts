import { startProcess, type ManagedProcess } from './processes.js';
import { TEST_KEK } from './test-api.js';
import type { TestDatabase } from './test-database.js';

/** A real worker process against the test database; resolves once it consumes its queues. */
export async function startTestWorker(db: TestDatabase, settings: Record<string, string> = {}): Promise<ManagedProcess> {
  const worker = startProcess('workers/main.ts', {
    DATABASE_URL: db.url,
    MIGRATE_KEK: TEST_KEK,
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    ...settings,
  });
  await worker.waitFor(/worker ready/);
  return worker;
}

/** Polls `read` until `done` holds for its value (state, never sleep-and-hope). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}
