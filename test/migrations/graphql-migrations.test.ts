import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { graphql, errorCode, payloadOf } from '../support/test-api.js';
import { eventually } from '../support/test-worker.js';
import { createOrgWithKey, addKey } from '../support/factories.js';
import { resendTruth } from '../../emulators/resend/generator.js';
import {
  ApproveMigrationDocument,
  BrowseDocument,
  MigrationDocument,
  StartMigrationDocument,
  type BrowseQuery,
  type BrowseQueryVariables,
} from '../../src/graphql/generated/operations.js';

const env = useMigrationEnv({ account: { seed: 9, age: 'old', contacts: 120, lists: 3 } });

describe('migrations over GraphQL', () => {
  it('imports a subset of an old account and browses it page by page', async () => {
    const { key } = await createOrgWithKey(env.db);
    const started = await graphql(env.api.url, key, StartMigrationDocument, { source: 'resend', credential: env.credential });
    const id = payloadOf(started.data!.startMigration).migration.id;
    const scanned = await eventually(() => graphql(env.api.url, key, MigrationDocument, { id }), (r) => r.data?.migration.status === 'ready_for_review');
    const scan = scanned.data!.migration.scanResult!;

    const chosen = scan.audiences[0]!;
    const approved = await graphql(env.api.url, key, ApproveMigrationDocument, { input: { id, audiences: [chosen.id], domains: [] } });
    expect(payloadOf(approved.data?.approveMigration).migration.importOptions).toMatchObject({ domains: [], audiences: [chosen.id], contacts: true });
    const done = await eventually(() => graphql(env.api.url, key, MigrationDocument, { id }), (r) => r.data?.migration.status === 'completed');
    expect(done.data?.migration.progress).toMatchObject({ phase: 'done' });

    const first = await graphql(env.api.url, key, BrowseDocument, { first: 500 });
    expect(first.data?.domains.totalCount).toBe(0);
    expect(first.data?.audiences.nodes).toHaveLength(1);
    const audience = first.data!.audiences.nodes[0]!;
    const expected = resendTruth(env.resend.account).listMembers[chosen.id]!;
    expect(audience.contactCount).toBe(expected.length);
    // Only the chosen audience's people, paged in sevens.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof graphql<BrowseQuery, BrowseQueryVariables>>> = await graphql(env.api.url, key, BrowseDocument, { audienceId: audience.id, first: 7, after });
      expect(page.data?.contacts.totalCount).toBe(expected.length);
      seen.push(...page.data!.contacts.nodes.map((c) => c.email));
      after = page.data!.contacts.pageInfo.hasNextPage ? page.data!.contacts.pageInfo.endCursor : null;
    } while (after);
    expect(seen.sort()).toEqual(expected);
    const legacyOptOuts = env.resend.account.audienceContacts.filter((c) => c.audience_id === chosen.id && c.unsubscribed).length;
    const all = await graphql(env.api.url, key, BrowseDocument, { audienceId: audience.id, first: 500 });
    expect(all.data!.contacts.nodes.filter((c) => c.audienceUnsubscribed).length).toBeLessThanOrEqual(legacyOptOuts);
    expect(all.data!.contacts.nodes.filter((c) => c.audienceUnsubscribed).length).toBeGreaterThan(0);
    expect(all.data!.contacts.nodes.every((c) => c.unsubscribed === false)).toBe(true);
  });

  it('answers with the shared error codes', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    expect(errorCode(await graphql(env.api.url, key, StartMigrationDocument, { source: 'resend', credential: 'short' }))).toBe('validation_error');
    const unknownSelection = await graphql(env.api.url, key, ApproveMigrationDocument, { input: { id: 'mig_nope' } });
    expect(unknownSelection.data?.approveMigration).toMatchObject({ __typename: 'NotFoundError', code: 'not_found' });
    expect(errorCode(await graphql(env.api.url, key, MigrationDocument, { id: 'mig_nope' }))).toBe('not_found');
    const { key: reader } = await addKey(env.db, org.id, 'read_only');
    expect(errorCode(await graphql(env.api.url, reader, StartMigrationDocument, { source: 'resend', credential: 'abcdefghij' }))).toBe('forbidden');
    expect(errorCode(await graphql(env.api.url, reader, BrowseDocument, { audienceId: 'aud_other' }))).toBe('not_found');
    expect(errorCode(await graphql(env.api.url, reader, BrowseDocument, { first: 0 }))).toBe('validation_error');
    expect(errorCode(await graphql(env.api.url, reader, BrowseDocument, { after: 'not-a-uuid' }))).toBe('validation_error');
  });
});
