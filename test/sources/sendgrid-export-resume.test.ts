import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSendGridAccount } from '../../emulators/sendgrid/generator.js';
import { startSendGridEmulator, type SendGridEmulator } from '../../emulators/sendgrid/server.js';
import { SENDGRID_BATCH_ROWS, SendGridConnector } from '../../src/sources/sendgrid/sendgrid-connector.js';
import type { SourceContact } from '../../src/sources/source-types.js';

let sendgrid: SendGridEmulator;
let apiKey: string;
beforeAll(async () => {
  const account = generateSendGridAccount({ seed: 23, contacts: 25_000, lists: 1, templates: 0, groups: 0, suppressions: 0, duplicateShare: 0 });
  sendgrid = await startSendGridEmulator({ account, maxFileSizeContacts: 7_000 });
  apiKey = account.apiKeys.find((k) => k.name === 'Migration (read all)')!.token;
});
afterAll(() => sendgrid.close());

const connector = () => new SendGridConnector({ baseUrl: sendgrid.url, apiKey });
const exportsStarted = () => sendgrid.stats.byRoute['POST /v3/marketing/contacts/exports'] ?? 0;

describe('SendGrid export reads', () => {
  it('resume inside the same export after the last committed batch, across file boundaries', async () => {
    const [list] = await connector().lists();
    const first: SourceContact[] = [];
    let cursor: string | null = null;
    for await (const page of connector().listMembers(list!)) {
      first.push(...page.items);
      cursor = page.nextCursor;
      break; // the worker died after committing this batch
    }
    expect(first.length).toBeGreaterThanOrEqual(SENDGRID_BATCH_ROWS);
    expect(cursor).toMatch(new RegExp(`^[^:]+:${first.length}$`));

    const before = exportsStarted();
    const rest: SourceContact[] = [];
    for await (const page of connector().listMembers(list!, cursor)) rest.push(...page.items);
    expect(exportsStarted()).toBe(before); // the export was reused, not made again

    const expected = sendgrid.account.contacts.filter((c) => c.list_ids.includes(list!.sourceId)).map((c) => c.id);
    expect([...first, ...rest].map((c) => c.sourceId)).toEqual(expected);
  });

  it('reads a new export from the start when the old one is gone', async () => {
    const [list] = await connector().lists();
    const before = exportsStarted();
    const all: SourceContact[] = [];
    for await (const page of connector().listMembers(list!, 'no-such-export:5000')) all.push(...page.items);
    expect(exportsStarted()).toBe(before + 1);
    expect(all).toHaveLength(sendgrid.account.contacts.filter((c) => c.list_ids.includes(list!.sourceId)).length);
  });
});
