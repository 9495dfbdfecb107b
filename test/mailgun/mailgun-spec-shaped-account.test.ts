import { describe, expect, it } from 'vitest';
import { useMailgunEnv } from '../support/mailgun-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { UNNAMED_VAR } from '../../src/sources/mailgun/mailgun-connector.js';

/**
 * A whole migration of a Mailgun account whose domains, DNS records, lists, members, templates,
 * suppressions and allowlist are shaped from Mailgun's official spec (every optional field
 * present or absent, alternative types, unknown fields, free-form vars and dates, 5,000-character
 * and unicode strings, NUL characters): it completes, every record is imported or listed among
 * the row problems, and a re-run writes nothing new.
 */
const env = useMailgunEnv({ seed: 47, domains: 3, lists: 3, contacts: 60, templates: 6, suppressions: 10 }, {}, { seed: 13 });

const key = (address: unknown) => String(address).trim().toLowerCase();

describe('a Mailgun account shaped by the official spec', () => {
  it('imports to completed, every unreadable record listed among the row problems, none fatal; a re-run writes nothing', { timeout: 120_000 }, async () => {
    const { org, key: apiKey } = await createOrgWithKey(env.db);
    const { id, scan, result } = await env.migrate(apiKey);
    const truth = env.mailgun.specRecords!;
    const problems = async (kind: string) =>
      new Set((await env.db.query<{ source_id: string }>('select source_id from import_problems where job_id = $1 and kind = $2', [id, kind])).map((p) => p.source_id));
    const column = async (sql: string) => (await env.db.query<{ v: string }>(sql, [org.id])).map((r) => r.v);
    const count = async (table: string) => (await env.db.query<{ n: number }>(`select count(*)::int as n from ${table} where organization_id = $1`, [org.id]))[0]!.n;
    const linked = async (kind: string) => new Set(await column(`select source_id as v from source_links where organization_id = $1 and kind = '${kind}'`));

    // Domains, lists, contacts: by their identity, each imported or a row problem.
    const domains = new Set(await column('select name as v from domains where organization_id = $1'));
    const domainProblems = await problems('domain');
    expect(truth.domains.map((d) => d.name).filter((n) => !domains.has(n as string) && !domainProblems.has(n as string))).toEqual([]);
    // A problem with a domain (an unreadable DNS record) is reported against that domain.
    expect([...domainProblems].filter((p) => !truth.domains.some((d) => d.name === p))).toEqual([]);
    const audiences = await linked('audience');
    const audienceProblems = await problems('audience');
    expect(truth.lists.map((l) => l.address as string).filter((a) => !audiences.has(a) && !audienceProblems.has(a))).toEqual([]);
    const contacts = new Set(await column('select email as v from contacts where organization_id = $1'));
    const contactProblems = await problems('contact');
    const served = new Set(truth.members.map((m) => key(m.address)));
    // (A contact imported without an unfit field, a 5,000-character last name, is both.)
    expect([...served].filter((a) => !contacts.has(a) && !contactProblems.has(a))).toEqual([]);
    expect([...new Set([...contacts, ...contactProblems])].filter((a) => !served.has(a))).toEqual([]);
    expect(contacts.size).toBeGreaterThan(0);

    // Vars: every key served on an imported member is a custom field or a row problem.
    const varKeys = new Set(truth.members.filter((m) => contacts.has(key(m.address))).flatMap((m) => (m.vars && typeof m.vars === 'object' ? Object.keys(m.vars) : [])));
    const fields = new Set(await column('select name as v from custom_fields where organization_id = $1'));
    const fieldProblems = await problems('custom_field');
    expect([...varKeys].filter((k) => !fields.has(k) && !fieldProblems.has(k.trim() ? k : UNNAMED_VAR))).toEqual([]);
    expect(varKeys.has('')).toBe(true);
    expect([...fields].filter((f) => !f.trim())).toEqual([]);

    // Memberships: an imported contact is on each list that served it, unless that list's record of it is a row problem
    // (a 5,000-character name on one list rejects that record, not the person's records on other lists).
    const rows = await env.snapshot(org.id);
    const onList = new Map(rows.members.map((m) => [m.source_id, new Set(m.emails)]));
    const missingMembers = truth.members.flatMap((m, i) => {
      const list = truth.keys.members[i]!.slice(0, truth.keys.members[i]!.indexOf('|'));
      const address = key(m.address);
      return contacts.has(address) && !onList.get(list)?.has(address) && !contactProblems.has(address) ? [`${list} ${m.address}`] : [];
    });
    expect(missingMembers).toEqual([]);

    // Templates: imported, or a row problem.
    expect((await count('templates')) + (await problems('template')).size).toBe(truth.templates.length);

    // Suppressions: every bounce, complaint and unsubscribe tagged * is stored account-wide or is a row problem.
    const global = new Set(await column('select email as v from suppressions where organization_id = $1 and group_id is null'));
    const suppressionProblems = await problems('suppression');
    // An unsubscribe from no tag in particular is from all of them (`*` is Mailgun's default tag).
    const everything = (u: Record<string, unknown>) => !Array.isArray(u.tags) || u.tags.length === 0 || u.tags.includes('*');
    expect(truth.unsubscribes.some((u) => Array.isArray(u.tags) && u.tags.length === 0)).toBe(true);
    const wide = [...truth.bounces, ...truth.complaints, ...truth.unsubscribes.filter(everything)].map((s) => key(s.address));
    expect(wide.filter((a) => !global.has(a) && !suppressionProblems.has(a))).toEqual([]);
    // Every other tag is a suppression group, or a row problem.
    // Every other tag is a suppression group (named by the tag, NUL dropped as on any read), holding who unsubscribed from it.
    const tagsOf = (u: Record<string, unknown>) => (Array.isArray(u.tags) ? u.tags.filter((t): t is string => typeof t === 'string' && t !== '*').map((t) => t.replace(/\u0000/g, '')) : []);
    const tags = new Set(truth.unsubscribes.flatMap(tagsOf));
    expect((await count('suppression_groups')) + (await problems('suppression_group')).size).toBe(tags.size);
    // A group of any tag, 5,000 characters long included, can be chosen at approval (ids of at most 200 characters).
    expect([...tags].some((t) => t.length > 200)).toBe(true);
    expect((scan.topics as { id: string }[]).filter((g) => g.id.length > 200)).toEqual([]);
    const groups = new Map(rows.groups.map((g) => [g.name, new Set(g.emails ?? [])]));
    const groupProblems = await problems('group_suppression');
    const missingOptOuts = truth.unsubscribes.flatMap((u) => tagsOf(u).filter((t) => !groups.get(t)?.has(key(u.address)) && !groupProblems.has(key(u.address))).map((t) => `${t.slice(0, 20)} ${u.address}`));
    expect(missingOptOuts).toEqual([]);
    expect(result.imported.suppressions).toBeGreaterThan(0);

    // Again, into the same organization: nothing new.
    const again = await env.migrate(apiKey);
    const second = again.result.imported as Record<string, number>;
    for (const counter of ['contacts', 'audiences', 'memberships', 'custom_fields', 'templates', 'domains', 'suppression_groups', 'group_suppressions', 'suppressions']) {
      expect(second[counter] ?? 0, counter).toBe(0);
    }
    expect(await env.snapshot(org.id)).toEqual(rows);
  });
});
