import { describe, expect, it } from 'vitest';
import { useSendGridEnv } from '../support/sendgrid-env.js';
import { createOrgWithKey } from '../support/factories.js';

/**
 * A whole migration of a SendGrid account whose lists, custom fields, templates and their
 * versions, unsubscribe groups and suppression lists are shaped from the official specs: it
 * completes, and every record is imported or listed among the row problems.
 */
const env = useSendGridEnv({ seed: 43, contacts: 300, lists: 3, templates: 6, groups: 3, suppressions: 25 }, undefined, { seed: 11 });

type Entry = { kind: string; count: number };
const problems = (errors: Entry[], kind: string) => errors.filter((e) => e.kind === kind).reduce((n, e) => n + e.count, 0);

describe('a SendGrid account shaped by the official specs', () => {
  it('imports to completed, every unreadable record listed in errors, none fatal', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { result } = await env.migrate(key, env.keyNamed('Migration (read all)'));
    const truth = env.sendgrid.specRecords!;
    const count = async (table: string) =>
      (await env.db.query<{ n: number }>(`select count(*)::int as n from ${table} where organization_id = $1`, [org.id]))[0]!.n;
    const dynamic = truth.templates.filter((t) => t.generation === 'dynamic');
    expect((await count('templates')) + problems(result.errors, 'template')).toBe(dynamic.length);
    expect(await count('suppression_groups')).toBe(truth.groups.length);
    expect(await count('custom_fields')).toBe(truth.customFields.length);
    expect(await count('audiences')).toBe(truth.lists.length);
    // Every served suppression address is stored as a global suppression, or reported as a row problem.
    const served = (['unsubscribes', 'bounces', 'blocks', 'spam_reports', 'invalid_emails'] as const).flatMap((k) => truth[k]);
    const stored = new Set(
      (await env.db.query<{ email: string }>('select email from suppressions where organization_id = $1 and group_id is null', [org.id])).map((r) => r.email),
    );
    const missing = new Set(served.map((r) => String(r.email ?? '').trim().toLowerCase()).filter((e) => !stored.has(e)));
    expect(stored.size).toBeGreaterThan(0);
    expect(missing.size).toBeLessThanOrEqual(problems(result.errors, 'suppression'));
  });
});
