import { describe, expect, it } from 'vitest';
import { useDatabaseWithPool } from '../support/test-database.js';
import { createOrgWithKey } from '../support/factories.js';
import { createSuppressionGroup } from '../../src/modules/suppression-groups/suppression-group.repository.js';
import { insertSuppressions, type SuppressionEntry } from '../../src/modules/suppressions/suppression.repository.js';

const env = useDatabaseWithPool();

const suppressionsOf = (organizationId: string) =>
  env.db.query(
    `select email, reason, group_id, source_provider, source_created_at from suppressions
      where organization_id = $1 order by email, group_id nulls first`,
    [organizationId],
  );

describe('insertSuppressions', () => {
  it('writes global and group entries in one statement, each address once per scope, and counts what was new', async () => {
    const { org } = await createOrgWithKey(env.db);
    const groupId = await createSuppressionGroup(env.pool, {
      organizationId: org.id,
      name: 'Newsletter',
      description: null,
      sourceProvider: 'sendgrid',
      membersNote: null,
    });
    const bouncedAt = new Date('2024-03-01T10:00:00Z');
    const entries: SuppressionEntry[] = [
      { email: 'ann@example.com', reason: 'bounce', groupId: null, sourceCreatedAt: bouncedAt },
      { email: 'ann@example.com', reason: 'unsubscribe', groupId, sourceCreatedAt: null },
      { email: 'bob@example.com', reason: 'unsubscribe', groupId, sourceCreatedAt: null },
      // The same address and scope again in one batch: kept once.
      { email: 'bob@example.com', reason: 'unsubscribe', groupId, sourceCreatedAt: null },
    ];

    expect(await insertSuppressions(env.pool, org.id, 'sendgrid', entries)).toBe(3);
    const rows = [
      { email: 'ann@example.com', reason: 'bounce', group_id: null, source_provider: 'sendgrid', source_created_at: bouncedAt },
      { email: 'ann@example.com', reason: 'unsubscribe', group_id: groupId, source_provider: 'sendgrid', source_created_at: null },
      { email: 'bob@example.com', reason: 'unsubscribe', group_id: groupId, source_provider: 'sendgrid', source_created_at: null },
    ];
    expect(await suppressionsOf(org.id)).toEqual(rows);

    // Written again (a resumed batch), with a different reason: nothing new, the first kept as it was.
    const again: SuppressionEntry[] = [
      { email: 'ann@example.com', reason: 'spam_complaint', groupId: null, sourceCreatedAt: null },
      { email: 'bob@example.com', reason: 'unsubscribe', groupId, sourceCreatedAt: null },
      { email: 'cid@example.com', reason: 'manual', groupId: null, sourceCreatedAt: null },
    ];
    expect(await insertSuppressions(env.pool, org.id, 'sendgrid', again)).toBe(1);
    expect(await suppressionsOf(org.id)).toEqual([
      ...rows,
      { email: 'cid@example.com', reason: 'manual', group_id: null, source_provider: 'sendgrid', source_created_at: null },
    ]);

    expect(await insertSuppressions(env.pool, org.id, 'sendgrid', [])).toBe(0);
  });
});
