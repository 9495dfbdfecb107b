import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startProcessWithArgs } from '../support/processes.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function run(...args: string[]): Promise<{ code: number | null; output: string }> {
  const proc = startProcessWithArgs('src/cli/keys.ts', args, { DATABASE_URL: db.url });
  const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
  return { code, output: proc.output() };
}

describe('npm run keys', () => {
  it('creates, lists and revokes keys; the secret is printed once and stored hashed', async () => {
    const created = await run('create', '--org', 'Acme', '--scope', 'read_only', '--name', 'dashboard');
    expect(created.code).toBe(0);
    const secret = /\s(mk_[A-Za-z0-9_-]{43})\s/.exec(created.output)?.[1];
    expect(secret).toBeDefined();
    const keyId = /key (key_[A-Za-z0-9_-]+)/.exec(created.output)?.[1];

    const listed = await run('list', '--org', 'acme');
    expect(listed.code).toBe(0);
    expect(listed.output).toContain(keyId);
    expect(listed.output).toContain('read_only');
    expect(listed.output).not.toContain(secret);

    const revoked = await run('revoke', keyId!);
    expect(revoked.code).toBe(0);
    expect((await run('list')).output).toMatch(/revoked \d{4}-/);
    expect(JSON.stringify(await db.query('select * from api_keys'))).not.toContain(secret);
  });

  it('explains bad input instead of failing obscurely', async () => {
    const bad = await run('create', '--org', 'Acme', '--scope', 'admin');
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('validation_error: --scope must be one of read_only, full_access');
    const unknown = await run('revoke', 'key_nope');
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('not_found');
  });
});
