/**
 * The Postmark emulator against Postmark's own Swagger files (emulators/specs/postmark: old, they
 * lack streams and suppressions, which follow the developer docs and the provider notes): the
 * account and server endpoints they describe validate against their 200 schemas, and each token
 * opens only its own endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePostmarkAccount } from '../../emulators/postmark/generator.js';
import { startPostmarkEmulator, type PostmarkEmulator } from '../../emulators/postmark/server.js';
import { accepts, loadSpec, resolveSchema } from '../../emulators/shared/spec-schema.js';

const account = generatePostmarkAccount({ seed: 3, servers: 2, templates: 3, suppressions: 5 });
let pm: PostmarkEmulator;
beforeAll(async () => {
  pm = await startPostmarkEmulator({ account });
});
afterAll(async () => pm?.close());

const serverToken = account.servers[0]!.ApiTokens[0]!;
async function get(path: string, header: 'account' | 'server', token = header === 'account' ? account.accountToken : serverToken) {
  const res = await fetch(`${pm.url}${path}`, { headers: { accept: 'application/json', [`x-postmark-${header}-token`]: token } });
  return { status: res.status, body: (await res.json()) as any };
}

/** Swagger 2.0: the 200 schema of GET `path`. */
const pointer = (path: string) => `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/schema`;

/** Swagger 2.0 has no nullable types; Postmark sends null for what is unset (an alias, a text body). */
const withoutNulls = (value: any): any =>
  Array.isArray(value) ? value.map(withoutNulls) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)])) : value;

/** The old server spec names the template list `Templates API`; Postmark (and postmark.js) send `Templates`. */
const RELAXATIONS: Record<string, (body: any) => any> = {
  '/templates': ({ Templates, ...rest }) => ({ ...rest, 'Templates API': Templates }),
};

describe('the Postmark emulator', () => {
  it('serves what the Swagger files describe', async () => {
    const accountSpec = loadSpec('postmark/account/0.9.0/swagger.yaml');
    const serverSpec = loadSpec('postmark/server/1.0.0/swagger.yaml');
    const template = account.servers[0]!.templates[1]!;
    const cases: [any, string, string, 'account' | 'server'][] = [
      [accountSpec, '/servers', '/servers?count=10&offset=0', 'account'],
      [accountSpec, '/domains', '/domains?count=10&offset=0', 'account'],
      [accountSpec, '/domains/{domainid}', `/domains/${account.domains[0]!.ID}`, 'account'],
      [accountSpec, '/senders', '/senders?count=10&offset=0', 'account'],
      [serverSpec, '/server', '/server', 'server'],
      [serverSpec, '/templates', '/templates?count=10&offset=0', 'server'],
      [serverSpec, '/templates/{templateIdOrAlias}', `/templates/${template.TemplateId}`, 'server'],
    ];
    for (const [spec, specPath, url, header] of cases) {
      const res = await get(url, header);
      expect(res.status, url).toBe(200);
      const body = withoutNulls(RELAXATIONS[specPath]?.(res.body) ?? res.body);
      expect(accepts(resolveSchema(spec, pointer(specPath)), body), `${url}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(true);
    }
  });

  it('opens account endpoints to the account token only, and a server’s to its own token', async () => {
    expect((await get('/servers?count=1&offset=0', 'server')).status).toBe(401);
    expect((await get('/templates?count=1&offset=0', 'account')).status).toBe(401);
    expect((await get('/servers?count=1&offset=0', 'account', 'nope')).body).toMatchObject({ ErrorCode: 10 });
    const other = await get('/server', 'server', account.servers[1]!.ApiTokens[0]!);
    expect(other.body.ID).toBe(account.servers[1]!.ID);
  });

  it('lists every stream and dumps each stream’s suppressions unpaged, with ISO dates', async () => {
    const streams = await get('/message-streams', 'server');
    expect(streams.body.MessageStreams.map((s: { ID: string }) => s.ID)).toEqual(account.servers[0]!.streams.map((s) => s.ID));
    const dump = await get('/message-streams/outbound/suppressions/dump', 'server');
    expect(dump.body.Suppressions).toHaveLength(account.servers[0]!.suppressions.outbound!.length);
    for (const s of dump.body.Suppressions) expect(s.CreatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-05:00$/);
    expect((await get('/servers?count=501&offset=0', 'account')).status).toBe(422);
  });
});
