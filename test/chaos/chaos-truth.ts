/**
 * What an organization must hold after importing an emulated account, derived from the
 * account itself (the emulator's truth), and the comparison of a finished job with it: rows kind
 * by kind, `import_result.imported` against the tables, `import_result.errors` against the
 * account's invalid records (each once) and against `import_problems`. No vitest here: the
 * comparison returns findings, each classified as duplicated, lost or wrong.
 */
import { resendTruth } from '../../emulators/resend/generator.js';
import { sendgridTruth } from '../../emulators/sendgrid/generator.js';
import { SUPPRESSION_KINDS } from '../../emulators/sendgrid/model.js';
import { emailProblem, normalizeEmail } from '../../src/sources/shared/email.js';
import type { ResendAccount } from '../../emulators/resend/model.js';
import type { SendGridAccount } from '../../emulators/sendgrid/model.js';
import type { ChaosDatabase, ChaosEnv } from './chaos-harness.js';

const valid = (email: string) => emailProblem(normalizeEmail(email)) === null;

/** Rows of one kind, by key: the key says which row, the value what it must hold. */
type Rows = Map<string, string>;

export interface Expected {
  /** Kind → key → canonical value (JSON). */
  rows: Record<string, Rows>;
  /** `import_result.errors` summed per kind. */
  errors: Record<string, number>;
  /** `import_result.imported` kinds that must equal a table count (see TABLE_COUNTS). */
  imported: Record<string, number>;
}

/**
 * duplicated / lost / wrong: rows or counts; stuck: the job never reached completed (or failed
 * with a reason /retry completes); failed: it failed although nothing should have made it;
 * progress: a graphql-ws subscriber missed the terminal event or saw counters fall back;
 * crash: a process died or logged a crash.
 */
export type FindingKind = 'duplicated' | 'lost' | 'wrong' | 'stuck' | 'failed' | 'progress' | 'crash';

export interface Finding {
  kind: FindingKind;
  what: string;
  detail: string;
}

const canonical = (v: unknown): string => {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
};

function add(rows: Rows, key: string, value: unknown) {
  rows.set(key, canonical(value));
}

const nonEmpty = (props: Record<string, unknown>) => Object.fromEntries(Object.entries(props).filter(([, v]) => v !== null && v !== ''));
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

// ---------------------------------------------------------------------------------------------
// Resend

export function expectedResend(account: ResendAccount, options: { customFields: boolean; topics: boolean }): Expected {
  const truth = resendTruth(account);
  const contacts = new Map<string, { first_name: string | null; last_name: string | null; unsubscribed: boolean; custom_fields: Record<string, unknown> }>();
  for (const c of account.contacts) {
    if (!valid(c.email)) continue;
    const e = normalizeEmail(c.email);
    const prev = contacts.get(e);
    contacts.set(e, {
      first_name: c.first_name,
      last_name: c.last_name,
      unsubscribed: (prev?.unsubscribed ?? false) || c.unsubscribed,
      custom_fields: options.customFields ? nonEmpty(c.properties) : {},
    });
  }
  for (const a of account.audienceContacts) {
    if (!valid(a.email)) continue;
    const e = normalizeEmail(a.email);
    if (!contacts.has(e)) contacts.set(e, { first_name: a.first_name, last_name: a.last_name, unsubscribed: false, custom_fields: {} });
  }
  const rows: Record<string, Rows> = { contacts: new Map(), memberships: new Map(), audiences: new Map(), domains: new Map(), templates: new Map(), custom_fields: new Map(), suppression_groups: new Map(), global_suppressions: new Map() };
  for (const [email, c] of contacts) add(rows.contacts!, email, c);
  const legacy = new Set(account.lists.filter((l) => l.legacy).map((l) => l.id));
  for (const [listId, emails] of Object.entries(truth.listMembers)) for (const e of emails) add(rows.memberships!, `${listId} ${e}`, { unsubscribed: false });
  for (const a of account.audienceContacts) {
    if (valid(a.email) && legacy.has(a.audience_id)) add(rows.memberships!, `${a.audience_id} ${normalizeEmail(a.email)}`, { unsubscribed: a.unsubscribed });
  }
  for (const l of account.lists) add(rows.audiences!, l.id, { name: l.name });
  for (const d of account.domains) add(rows.domains!, d.name, { source_status: d.status });
  for (const t of account.templates) add(rows.templates!, t.id, { name: t.name, subject: t.subject, html: t.html });
  if (options.customFields) for (const p of account.contactProperties) add(rows.custom_fields!, p.key, { field_type: p.type });
  if (options.topics) {
    for (const topic of account.topics) {
      const optedOut = account.contacts
        .filter((c) => valid(c.email) && (c.topics[topic.id] ?? topic.default_subscription) === 'opt_out')
        .map((c) => normalizeEmail(c.email));
      add(rows.suppression_groups!, topic.name, sorted(optedOut));
    }
  }
  const reasons = { bounce: 'bounce', complaint: 'spam_complaint', manual: 'manual' } as const;
  for (const s of account.suppressions) if (valid(s.email)) add(rows.global_suppressions!, normalizeEmail(s.email), reasons[s.origin]);
  for (const [email, c] of contacts) if (c.unsubscribed && !rows.global_suppressions!.has(email)) add(rows.global_suppressions!, email, 'unsubscribe');

  const invalid = new Set([...account.contacts, ...account.audienceContacts].map((c) => normalizeEmail(c.email)).filter((e) => !valid(e)));
  const invalidSuppressions = new Set(account.suppressions.map((s) => s.email).filter((e) => !valid(e)));
  const groupMembers = [...rows.suppression_groups!.values()].reduce((n, v) => n + (JSON.parse(v) as string[]).length, 0);
  return {
    rows,
    errors: { contact: invalid.size, ...(invalidSuppressions.size ? { suppression: invalidSuppressions.size } : {}) },
    imported: {
      contacts: rows.contacts!.size,
      memberships: rows.memberships!.size,
      audiences: rows.audiences!.size,
      domains: rows.domains!.size,
      templates: rows.templates!.size,
      ...(options.customFields ? { custom_fields: rows.custom_fields!.size } : {}),
      ...(options.topics ? { suppression_groups: rows.suppression_groups!.size, group_suppressions: groupMembers } : {}),
      global_suppressions: rows.global_suppressions!.size,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// SendGrid

export function expectedSendGrid(account: SendGridAccount): Expected {
  const truth = sendgridTruth(account);
  const types = new Map(account.customFields.map((f) => [f.name, f.field_type]));
  const rows: Record<string, Rows> = { contacts: new Map(), memberships: new Map(), audiences: new Map(), templates: new Map(), custom_fields: new Map(), suppression_groups: new Map(), global_suppressions: new Map() };
  for (const c of account.contacts) {
    if (!valid(c.email)) continue;
    const e = normalizeEmail(c.email);
    const values = Object.fromEntries(
      Object.entries(truth.customValues[e] ?? {}).map(([k, v]) => [k, types.get(k) === 'Number' ? Number(v) : types.get(k) === 'Date' ? new Date(String(v)).toISOString() : String(v)]),
    );
    add(rows.contacts!, e, { first_name: c.first_name ?? null, last_name: c.last_name ?? null, custom_fields: values });
  }
  for (const [listId, emails] of Object.entries(truth.listMembers)) for (const e of emails) add(rows.memberships!, `${listId} ${e}`, { unsubscribed: false });
  for (const l of account.lists) add(rows.audiences!, l.id, { name: l.name });
  for (const t of account.templates.filter((x) => x.generation === 'dynamic')) {
    const active = t.versions.find((v) => v.active === 1)!;
    add(rows.templates!, t.id, { name: t.name, subject: active.subject });
  }
  const fieldType = { Text: 'string', Number: 'number', Date: 'date' } as const;
  for (const f of account.customFields) add(rows.custom_fields!, f.name, { field_type: fieldType[f.field_type] });
  for (const g of account.groups) add(rows.suppression_groups!, g.name, (truth.groupSuppressed[g.id] ?? []).filter(valid));
  // One global row per address; which kind's reason it keeps depends on the order they came in.
  const reasonOf = { unsubscribes: 'unsubscribe', bounces: 'bounce', blocks: 'block', spam_reports: 'spam_complaint', invalid_emails: 'invalid' } as const;
  const global = new Map<string, string[]>();
  for (const kind of SUPPRESSION_KINDS) {
    for (const e of truth.suppressed[kind].filter(valid)) global.set(e, [...(global.get(e) ?? []), reasonOf[kind as keyof typeof reasonOf]]);
  }
  for (const [e, reasons] of global) add(rows.global_suppressions!, e, { oneOf: sorted(reasons) });

  const invalidContacts = new Set(account.contacts.map((c) => c.email).filter((e) => !valid(e)));
  const invalidSuppressed = new Set(
    [...SUPPRESSION_KINDS.flatMap((k) => account.suppressions[k].map((s) => s.email)), ...account.groups.flatMap((g) => g.suppressions.map((s) => s.email))].filter((e) => !valid(e)),
  );
  const groupMembers = [...rows.suppression_groups!.values()].reduce((n, v) => n + (JSON.parse(v) as string[]).length, 0);
  const dynamicHtml = account.templates.filter((t) => t.generation === 'dynamic').map((t) => t.versions.find((v) => v.active === 1)!.html_content).join('\n');
  const images = new Set(account.images.filter((i) => dynamicHtml.includes(i.url)).map(() => 'PIXEL_PNG')); // every image serves the same bytes
  return {
    rows,
    errors: { contact: invalidContacts.size, ...(invalidSuppressed.size ? { suppression: invalidSuppressed.size } : {}) },
    imported: {
      contacts: rows.contacts!.size,
      memberships: rows.memberships!.size,
      audiences: rows.audiences!.size,
      domains: 0,
      templates: rows.templates!.size,
      custom_fields: rows.custom_fields!.size,
      suppression_groups: rows.suppression_groups!.size,
      group_suppressions: groupMembers,
      global_suppressions: rows.global_suppressions!.size,
      images: images.size,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What the organization holds

export async function actualRows(db: ChaosDatabase, orgId: string, source: 'resend' | 'sendgrid'): Promise<{ rows: Record<string, [string, string][]>; counts: Record<string, number> }> {
  const q = (sql: string) => db.query(sql, [orgId]);
  const rows: Record<string, [string, string][]> = {};
  const contacts = await q('select email, first_name, last_name, unsubscribed, custom_fields from contacts where organization_id = $1');
  rows.contacts = contacts.map((c) => [c.email, canonical(source === 'resend'
    ? { first_name: c.first_name, last_name: c.last_name, unsubscribed: c.unsubscribed, custom_fields: c.custom_fields }
    : { first_name: c.first_name, last_name: c.last_name, custom_fields: c.custom_fields })]);
  // Memberships by the audience's source id; an audience with no link (or two) shows as such.
  const members = await q(`select coalesce(l.source_id, '(unlinked ' || m.audience_id || ')') as list, c.email, m.unsubscribed from audience_members m
      join contacts c on c.id = m.contact_id left join source_links l on l.local_id = m.audience_id and l.kind = 'audience'
     where m.organization_id = $1`);
  rows.memberships = members.map((m) => [`${m.list} ${m.email}`, canonical({ unsubscribed: m.unsubscribed })]);
  const audiences = await q(`select coalesce(l.source_id, '(unlinked ' || a.id || ')') as sid, a.name from audiences a
      left join source_links l on l.local_id = a.id and l.kind = 'audience' where a.organization_id = $1`);
  rows.audiences = audiences.map((a) => [a.sid, canonical({ name: a.name })]);
  if (source === 'resend') {
    const domains = await q('select name, source_status from domains where organization_id = $1');
    rows.domains = domains.map((d) => [d.name, canonical({ source_status: d.source_status })]);
  }
  const templates = await q(`select coalesce(l.source_id, '(unlinked ' || t.id || ')') as sid, t.name, t.subject, t.html from templates t
      left join source_links l on l.local_id = t.id and l.kind = 'template' where t.organization_id = $1`);
  rows.templates = templates.map((t) => [t.sid, canonical(source === 'resend' ? { name: t.name, subject: t.subject, html: t.html } : { name: t.name, subject: t.subject })]);
  const fields = await q('select name, field_type from custom_fields where organization_id = $1');
  rows.custom_fields = fields.map((f) => [f.name, canonical({ field_type: f.field_type })]);
  const groups = await q(`select g.name, coalesce(array_agg(s.email order by s.email) filter (where s.email is not null), '{}') as emails
      from suppression_groups g left join suppressions s on s.group_id = g.id where g.organization_id = $1 group by g.id, g.name`);
  rows.suppression_groups = groups.map((g) => [g.name, canonical(g.emails)]);
  const global = await q('select email, reason from suppressions where organization_id = $1 and group_id is null');
  rows.global_suppressions = global.map((s) => [s.email, canonical(s.reason)]);
  const templateHtml = templates.map((t) => t.html as string);
  const counts: Record<string, number> = {
    contacts: contacts.length,
    memberships: members.length,
    audiences: audiences.length,
    domains: rows.domains?.length ?? 0,
    templates: templates.length,
    custom_fields: fields.length,
    suppression_groups: groups.length,
    group_suppressions: groups.reduce((n, g) => n + (g.emails as string[]).length, 0),
    global_suppressions: global.length,
    templates_with_provider_images: templateHtml.filter((h) => h.includes('sendgrid.net')).length,
  };
  return { rows, counts };
}

/** `import_result.imported` kinds → the table count each must equal. */
const IMPORTED_VS_TABLE: Record<string, (imported: Record<string, number>) => number> = {
  contacts: (i) => i.contacts ?? 0,
  memberships: (i) => i.memberships ?? 0,
  audiences: (i) => i.audiences ?? 0,
  domains: (i) => i.domains ?? 0,
  templates: (i) => i.templates ?? 0,
  custom_fields: (i) => i.custom_fields ?? 0,
  suppression_groups: (i) => i.suppression_groups ?? 0,
  group_suppressions: (i) => i.group_suppressions ?? 0,
  global_suppressions: (i) => (i.suppressions ?? 0) + (i.unsubscribe_suppressions ?? 0),
};

const sample = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ` … (${xs.length})` : ''}`;

/**
 * Compares a finished job's organization and result with the account's truth. Empty when
 * exact: the same rows, `imported` equal to the tables, `errors` equal to the account's invalid
 * records, each problem stored (import_problems) and counted once.
 */
export async function compareWithTruth(env: ChaosEnv, orgId: string, jobId: string, expected: Expected): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { rows, counts } = await actualRows(env.db, orgId, env.source);
  for (const [kind, want] of Object.entries(expected.rows)) {
    const got = rows[kind] ?? [];
    const seen = new Map<string, number>();
    for (const [key] of got) seen.set(key, (seen.get(key) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
    if (twice.length) findings.push({ kind: 'duplicated', what: kind, detail: `rows present more than once: ${sample(twice)}` });
    const extra = [...seen.keys()].filter((k) => !want.has(k));
    if (extra.length) findings.push({ kind: 'duplicated', what: kind, detail: `rows the account does not have: ${sample(extra)}` });
    const missing = [...want.keys()].filter((k) => !seen.has(k));
    if (missing.length) findings.push({ kind: 'lost', what: kind, detail: `${missing.length} of ${want.size} rows missing: ${sample(missing)}` });
    const differ: string[] = [];
    for (const [key, value] of got) {
      const w = want.get(key);
      if (w === undefined) continue;
      const oneOf = (JSON.parse(w) as { oneOf?: string[] }).oneOf;
      const ok = oneOf ? oneOf.includes(JSON.parse(value) as string) : w === value;
      if (!ok) differ.push(`${key}: ${value.slice(0, 200)} (expected ${w.slice(0, 200)})`);
    }
    if (differ.length) findings.push({ kind: 'wrong', what: kind, detail: `rows that differ: ${sample(differ)}` });
  }
  if (env.source === 'sendgrid' && counts.templates_with_provider_images) {
    findings.push({ kind: 'wrong', what: 'templates', detail: `${counts.templates_with_provider_images} templates still point at SendGrid's CDN` });
  }

  const [job] = await env.db.query<{ status: string; import_result: any }>('select status, import_result from migration_jobs where id = $1', [jobId]);
  const imported: Record<string, number> = job?.import_result?.imported ?? {};
  for (const [kind, of] of Object.entries(IMPORTED_VS_TABLE)) {
    if (expected.imported[kind] === undefined) continue;
    const claimed = of(imported);
    const table = counts[kind] ?? 0;
    if (claimed > table) findings.push({ kind: 'duplicated', what: `imported.${kind}`, detail: `import_result says ${claimed}, the tables hold ${table}` });
    if (claimed < table) findings.push({ kind: 'lost', what: `imported.${kind}`, detail: `import_result says ${claimed}, the tables hold ${table}` });
  }
  if (expected.imported.images !== undefined) {
    const [media] = await env.db.query<{ n: number }>('select count(*)::int as n from import_media where job_id = $1', [jobId]);
    const claimed = imported.images ?? 0;
    const want = expected.imported.images;
    if (claimed !== want || media!.n !== want) {
      findings.push({ kind: claimed > want ? 'duplicated' : 'lost', what: 'imported.images', detail: `import_result says ${claimed}, import_media holds ${media!.n}, the templates reference ${want} distinct images` });
    }
  }

  // A new organization held nothing before: nothing of it "already existed", whatever the import went through.
  const skipped = (job?.import_result?.skipped ?? []) as { kind: string; reason: string; count: number; examples: string[] }[];
  for (const s of skipped) {
    findings.push({ kind: 'wrong', what: `skipped.${s.kind}`, detail: `${s.count} reported as skipped (${s.reason}) in an organization that held nothing: ${s.examples.join(', ')}` });
  }

  const errors = (job?.import_result?.errors ?? []) as { kind: string; count: number }[];
  const claimedErrors: Record<string, number> = {};
  for (const e of errors) claimedErrors[e.kind] = (claimedErrors[e.kind] ?? 0) + e.count;
  const stored = await env.db.query<{ kind: string; n: number }>('select kind, count(*)::int as n from import_problems where job_id = $1 group by kind', [jobId]);
  const storedErrors = Object.fromEntries(stored.map((r) => [r.kind, r.n]));
  for (const kind of new Set([...Object.keys(expected.errors), ...Object.keys(claimedErrors), ...Object.keys(storedErrors)])) {
    const want = expected.errors[kind] ?? 0;
    const claimed = claimedErrors[kind] ?? 0;
    const inStore = storedErrors[kind] ?? 0;
    if (claimed !== want || inStore !== want) {
      // The same record (by its normalized address) stored as more than one problem, with the runs that stored it.
      const twice = await env.db.query<{ email: string; stored: string[] }>(
        `select lower(trim(source_id)) as email, array_agg(format('%s (run %s, %s)', source_id, run, reason) order by created_at) as stored
           from import_problems where job_id = $1 and kind = $2 group by 1 having count(*) > 1 order by 1`,
        [jobId, kind],
      );
      findings.push({
        kind: claimed > want || inStore > want ? 'duplicated' : 'lost',
        what: `errors.${kind}`,
        detail: `import_result.errors counts ${claimed}, import_problems holds ${inStore}, the account has ${want} such problems`
          + (twice.length ? `; stored more than once: ${sample(twice.map((t) => `${t.email} as ${t.stored.join(' and ')}`))}` : ''),
      });
    }
  }
  return findings;
}
