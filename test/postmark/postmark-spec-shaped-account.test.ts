import { describe, expect, it } from 'vitest';
import { createOrgWithKey } from '../support/factories.js';
import { usePostmarkEnv, type ResultEntry } from '../support/postmark-env.js';

/**
 * A whole migration of a Postmark account whose servers, domains, sender signatures, streams,
 * suppressions and templates are shaped from Postmark's official Swagger specs (streams and
 * suppressions, which they lack, from the live docs' shapes): every optional field present or
 * absent, unknown fields, 5,000-character and unicode strings, NUL characters, empty names. It
 * completes, every served record is imported (linked to its source) or listed among the row
 * problems, and a re-run writes nothing new.
 */
// These seeds serve, among others, a 5,000-character domain name (which failed the whole import). PM_SEED / PM_SHAPE_SEED try other accounts and samples.
const env = usePostmarkEnv({
  account: { seed: Number(process.env.PM_SEED ?? 13), servers: 4, templates: 8, suppressions: 10 },
  specShapes: { seed: Number(process.env.PM_SHAPE_SEED ?? 4) },
});

const sum = (entries: ResultEntry[], kind: string) => entries.filter((e) => e.kind === kind).reduce((n, e) => n + e.count, 0);

describe('a Postmark account shaped by the official specs', () => {
  it('imports to completed, every unreadable record listed in errors, none fatal; a re-run writes nothing', { timeout: 120_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { id, result } = await env.migrate(key, env.postmark.account.accountToken);
    const served = env.postmark.specRecords!;
    const linked = async (kind: string) =>
      new Set((await env.db.query<{ source_id: string }>('select source_id from source_links where organization_id = $1 and kind = $2', [org.id, kind])).map((r) => r.source_id));
    const problems = async (kind: string) =>
      new Map((await env.db.query<{ source_id: string; reason: string }>('select source_id, reason from import_problems where job_id = $1 and kind = $2', [id, kind])).map((r) => [r.source_id, r.reason]));
    const count = async (table: string) => (await env.db.query<{ n: number }>(`select count(*)::int as n from ${table} where organization_id = $1`, [org.id]))[0]!.n;

    // Every served template is imported, or a row problem with its reason.
    const templates = await linked('template');
    const templateProblems = await problems('template');
    const servedTemplates = served.templates.map((t) => `${t.AssociatedServerId}/${t.TemplateId}`);
    expect(servedTemplates.filter((t) => !templates.has(t) && !templateProblems.has(t))).toEqual([]);
    expect((await count('templates')) + templateProblems.size).toBe(served.templates.length);
    // What was imported is what was served (NUL dropped: PostgreSQL text cannot hold it), whatever its shape.
    const text = (v: unknown) => (typeof v === 'string' ? v.replace(/\u0000/g, '') : v === undefined || v === null ? null : String(v));
    const rows = await env.db.query<{ source_id: string; html: string; subject: string | null; text_body: string | null; status: string }>(
      `select l.source_id, t.html, t.subject, t.text_body, t.status from templates t join source_links l on l.local_id = t.id and l.kind = 'template' where t.organization_id = $1`, [org.id]);
    const byId = new Map(served.templates.map((t) => [`${t.AssociatedServerId}/${t.TemplateId}`, t]));
    for (const r of rows) {
      const t = byId.get(r.source_id)!;
      expect({ html: r.html, subject: r.subject, text: r.text_body, status: r.status }, r.source_id).toEqual({
        html: text(t.HtmlBody) ?? '', subject: text(t.Subject) || null, text: text(t.TextBody), status: t.Active === false ? 'draft' : 'published',
      });
    }

    // Every served domain (by id) is imported, or a row problem.
    const domains = await linked('domain');
    const domainProblems = await problems('domain');
    expect(served.domains.map((d) => String(d.ID)).filter((d) => !domains.has(d) && !domainProblems.has(d))).toEqual([]);
    // A sender signature's domain (its Domain, or, the spec making that optional, its address's) is a domain here, or the signature is a row problem.
    const domainNames = new Set((await env.db.query<{ name: string }>('select name from domains where organization_id = $1', [org.id])).map((r) => r.name));
    const signatureDomain = (s: Record<string, unknown>) => (typeof s.Domain === 'string' && s.Domain.trim() ? s.Domain : String(s.EmailAddress).split('@').pop()!).trim().toLowerCase();
    expect(served.senders.filter((s) => !domainNames.has(signatureDomain(s)) && !domainProblems.has(`signature:${s.ID}`)).map((s) => s.ID)).toEqual([]);

    // Transactional streams' suppressions are the suppression list; each broadcast stream is a group of who is suppressed on it.
    const streamType = new Map(served.streams.map((s) => [`${s.ServerID}|${s.ID}`, s.MessageStreamType]));
    const transactional = served.suppressions.filter((s) => streamType.get(`${s._server}|${s._stream}`) === 'Transactional');
    const global = new Set((await env.db.query<{ email: string }>('select email from suppressions where organization_id = $1 and group_id is null', [org.id])).map((r) => r.email));
    const missing = new Set(transactional.map((s) => String(s.EmailAddress).toLowerCase()).filter((e) => !global.has(e)));
    expect(global.size).toBeGreaterThan(0);
    expect(missing.size).toBeLessThanOrEqual(sum(result.errors, 'suppression'));
    expect([...global].filter((e) => !transactional.some((s) => String(s.EmailAddress).toLowerCase() === e))).toEqual([]);
    const broadcasts = served.streams.filter((s) => s.MessageStreamType === 'Broadcasts' && !s.ArchivedAt);
    expect((await count('suppression_groups')) + sum(result.errors, 'suppression_group')).toBe(broadcasts.length);
    const grouped = (await env.db.query<{ n: number }>('select count(*)::int as n from suppressions where organization_id = $1 and group_id is not null', [org.id]))[0]!.n;
    const inGroups = served.suppressions.filter((s) => streamType.get(`${s._server}|${s._stream}`) === 'Broadcasts').length;
    expect(grouped + sum(result.errors, 'group_suppression')).toBe(inGroups);

    // Re-running it changes nothing and fails nothing.
    const before = { templates: await count('templates'), domains: await count('domains'), suppressions: await count('suppressions'), groups: await count('suppression_groups') };
    const again = await env.migrate(key, env.postmark.account.accountToken);
    expect(Object.values(again.result.imported).filter((n) => n > 0)).toEqual([]);
    expect({ templates: await count('templates'), domains: await count('domains'), suppressions: await count('suppressions'), groups: await count('suppression_groups') }).toEqual(before);
  });

  it('with a Server token reads that server, shaped by the spec, to completed', { timeout: 60_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const server = env.postmark.account.servers[1]!;
    const { id, result } = await env.migrate(key, server.ApiTokens[0]!);
    const templates = (await env.db.query<{ source_id: string }>('select source_id from source_links where organization_id = $1 and kind = $2', [org.id, 'template'])).map((r) => r.source_id);
    const problems = (await env.db.query<{ source_id: string }>('select source_id from import_problems where job_id = $1 and kind = $2', [id, 'template'])).map((r) => r.source_id);
    const served = env.postmark.specRecords!.templates.filter((t) => t.AssociatedServerId === server.ID).map((t) => `${server.ID}/${t.TemplateId}`);
    expect(new Set([...templates, ...problems])).toEqual(new Set(served));
    expect(result.imported.domains ?? 0).toBe(0);
  });
});
