import { beforeAll, describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { errorCode, graphql, type GraphQLResponse } from '../support/test-api.js';
import { eventually } from '../support/test-worker.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { resendTruth } from '../../emulators/resend/generator.js';
import { isPlausibleEmail, normalizeEmail } from '../../emulators/resend/truth.js';
import type { ResendAccount } from '../../emulators/resend/model.js';
import {
  BrowseAudiencesDocument,
  BrowseContactsDocument,
  BrowseCustomFieldsDocument,
  BrowseSuppressionGroupsDocument,
  BrowseSuppressionsDocument,
  BrowseTemplatesDocument,
  ContactDetailsDocument,
  FirstDomainDocument,
  GroupMembersDocument,
  NodeByIdDocument,
  type BrowseContactsQueryVariables,
  type BrowseSuppressionsQueryVariables,
  type SuppressionReason,
} from '../../src/graphql/generated/operations.js';

// Every kind at once: legacy audiences (per-audience opt-outs) beside segments and global
// contacts with properties and topic subscriptions, templates, topics and a suppression list.
const env = useMigrationEnv({ account: { seed: 77, age: 'mixed', contacts: 90, lists: 4 } });

/** A stored value as GraphQL renders it: the source's JSON scalar as text. */
const text = (v: string | number | boolean | null | undefined) => (v === null || v === undefined ? null : String(v));
const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const sorted = (items: Iterable<string>) => [...items].sort();

interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  items: T[];
}

/** Every node of a connection, page by page (`first` each): each page must report the same totalCount. */
async function everything<T>(first: number, read: (first: number, after: string | null) => Promise<Page<T>>): Promise<{ items: T[]; totalCount: number; pages: number }> {
  const items: T[] = [];
  let after: string | null = null;
  let totalCount: number | undefined;
  let pages = 0;
  for (;;) {
    const page = await read(first, after);
    pages++;
    totalCount ??= page.totalCount;
    expect(page.totalCount).toBe(totalCount);
    expect(page.items.length).toBeLessThanOrEqual(first);
    items.push(...page.items);
    if (!page.pageInfo.hasNextPage) break;
    expect(page.items).toHaveLength(first);
    after = page.pageInfo.endCursor;
    expect(pages).toBeLessThan(1000);
  }
  expect(items).toHaveLength(totalCount!);
  return { items, totalCount: totalCount!, pages };
}

function ok<T>(res: GraphQLResponse<T>): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

/** What the account holds, as this platform should show it. */
function truthOf(account: ResendAccount) {
  const truth = resendTruth(account);
  const globalContacts = account.contacts.filter((c) => isPlausibleEmail(c.email));
  const globallyUnsubscribed = new Set(globalContacts.filter((c) => c.unsubscribed).map((c) => normalizeEmail(c.email)));
  const listed = account.suppressions.filter((s) => isPlausibleEmail(s.email));
  const reasonOf = { bounce: 'bounce', complaint: 'spam_complaint', manual: 'manual' } as const;
  const global = new Map<string, SuppressionReason>(listed.map((s) => [normalizeEmail(s.email), reasonOf[s.origin]]));
  // Contacts unsubscribed at the source are suppressed too, unless the list already had them.
  for (const email of globallyUnsubscribed) if (!global.has(email)) global.set(email, 'unsubscribe');
  const optedOut = (topicId: string) => {
    const topic = account.topics.find((t) => t.id === topicId)!;
    return sorted(new Set(globalContacts.filter((c) => (c.topics[topic.id] ?? topic.default_subscription) === 'opt_out').map((c) => normalizeEmail(c.email))));
  };
  /** List id → member email → unsubscribed from that list (its own legacy flag, or globally). */
  const listUnsubscribed = (listId: string) => {
    const list = account.lists.find((l) => l.id === listId)!;
    const flags = new Map<string, boolean>(truth.listMembers[listId]!.map((e) => [e, globallyUnsubscribed.has(e)]));
    if (list.legacy) {
      for (const a of account.audienceContacts.filter((x) => x.audience_id === listId && isPlausibleEmail(x.email) && x.unsubscribed)) {
        flags.set(normalizeEmail(a.email), true);
      }
    }
    return flags;
  };
  return { ...truth, globalContacts, globallyUnsubscribed, global, optedOut, listUnsubscribed };
}

describe('browsing everything a migration imported', () => {
  let key: string;
  let other: { key: string };
  let account: ResendAccount;
  let truth: ReturnType<typeof truthOf>;
  let firstList: ResendAccount['lists'][number];
  const migrations: { first: string; second: string; firstResult: Record<string, number>; secondResult: Record<string, number> } = {} as never;
  /** Source list id → audience id here. */
  const audienceOf = new Map<string, string>();

  async function migrate(options: Record<string, unknown>) {
    const client = restClient(env.api.url, key);
    const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    await eventually(() => client.get(`/v1/migrate/${id}`), (r) => r.body.status === 'ready_for_review');
    const approved = await client.post(`/v1/migrate/${id}/approve`, { options });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await eventually(() => client.get(`/v1/migrate/${id}`), (r) => ['completed', 'failed'].includes(r.body.status), 90_000);
    expect(done.body.status, done.body.error_message).toBe('completed');
    return { id, imported: done.body.import_result.imported as Record<string, number> };
  }

  beforeAll(async () => {
    ({ key } = await createOrgWithKey(env.db));
    other = await createOrgWithKey(env.db);
    account = env.resend.account;
    truth = truthOf(account);
    firstList = account.lists.find((l) => l.legacy)!;
    // First only one legacy audience's contacts, then everything: the second brings the rest.
    const first = await migrate({ audiences: [firstList.id], domains: [], templates: [], topics: [], customFields: [], ignoreSuppressions: true });
    const second = await migrate({});
    Object.assign(migrations, { first: first.id, second: second.id, firstResult: first.imported, secondResult: second.imported });
    const audiences = ok(await graphql(env.api.url, key, BrowseAudiencesDocument, { first: 500 })).audiences.nodes;
    for (const list of account.lists) audienceOf.set(list.id, audiences.find((a) => a.name === list.name)!.id);
  }, 240_000);

  it('lists templates with their review findings where the source’s constructs are', async () => {
    const { items, totalCount } = await everything(4, async (first, after) => {
      const c = ok(await graphql(env.api.url, key, BrowseTemplatesDocument, { first, after })).templates;
      return { ...c, items: c.nodes };
    });
    expect(totalCount).toBe(account.templates.length);
    expect(byName(items).map((t) => t.name)).toEqual(byName(account.templates).map((t) => t.name));
    for (const source of account.templates) {
      const mine = items.find((t) => t.name === source.name)!;
      expect(mine, source.name).toMatchObject({
        alias: source.alias,
        subject: source.subject,
        from: source.from,
        replyTo: source.reply_to,
        html: source.html,
        text: source.text,
        status: source.status,
        sourceProvider: 'resend',
      });
      expect(mine.variables).toEqual(source.variables.map((v) => ({ key: v.key, type: v.type, fallback: text(v.fallback_value) })));
      // Resend keeps no test data: the variables' fallbacks are what a preview shows.
      const fallbacks = source.variables.filter((v) => v.fallback_value !== null && v.fallback_value !== undefined);
      expect(mine.previewData).toEqual(fallbacks.length ? Object.fromEntries(fallbacks.map((v) => [v.key, v.fallback_value])) : null);
      // Each loop and conditional, where it is written, in order of field then position.
      const expected = (['subject', 'html', 'text'] as const).flatMap((field) => {
        const body = source[field] ?? '';
        return [...body.matchAll(/\{\{#(each|if)\b[^}]*\}\}/g)].map((m) => {
          const before = body.slice(0, m.index);
          const line = before.split('\n').length;
          const column = m.index - (before.lastIndexOf('\n') + 1) + 1;
          return { code: m[1] === 'each' ? 'loop' : 'conditional', construct: m[0], field, line, column };
        });
      });
      const constructs = mine.reviewFindings.filter((f) => f.code !== 'unpublished_version');
      expect(constructs.map(({ message: _m, ...f }) => f), source.name).toEqual(expected);
      for (const f of constructs) expect(f.message).toContain(f.construct);
      expect(mine.reviewFindings.some((f) => f.code === 'unpublished_version'), source.name).toBe(source.has_unpublished_versions);
      expect(mine.needsReview).toBe(mine.reviewFindings.length > 0);
    }
    const flagged = items.filter((t) => t.needsReview).map((t) => t.id).sort();
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.length).toBeLessThan(items.length);
    const needing = ok(await graphql(env.api.url, key, BrowseTemplatesDocument, { needsReview: true, first: 100 })).templates;
    expect(needing.totalCount).toBe(flagged.length);
    expect(needing.nodes.map((t) => t.id).sort()).toEqual(flagged);
    const clean = ok(await graphql(env.api.url, key, BrowseTemplatesDocument, { needsReview: false, first: 100 })).templates;
    expect(clean.totalCount).toBe(items.length - flagged.length);
    expect(clean.nodes.every((t) => !t.needsReview && t.reviewFindings.length === 0)).toBe(true);
  });

  it('lists custom fields, and a contact’s values as text', async () => {
    const { items, pages } = await everything(1, async (first, after) => {
      const c = ok(await graphql(env.api.url, key, BrowseCustomFieldsDocument, { first, after })).customFields;
      return { ...c, items: c.nodes };
    });
    expect(pages).toBe(account.contactProperties.length);
    expect(items.map((f) => ({ name: f.name, type: f.type, fallbackValue: f.fallbackValue, sourceProvider: f.sourceProvider }))).toEqual(
      byName(account.contactProperties.map((p) => ({ name: p.key, type: p.type, fallbackValue: text(p.fallback_value), sourceProvider: 'resend' }))),
    );
    // Contacts with values of several types (a number with decimals, a boolean, text).
    const withValues = truth.globalContacts.filter((c) => Object.values(c.properties).some((v) => v !== null && v !== ''));
    expect(withValues.length).toBeGreaterThan(3);
    const kinds = new Set<string>();
    for (const source of withValues) {
      const email = normalizeEmail(source.email);
      const found = ok(await graphql(env.api.url, key, BrowseContactsDocument, { emailPrefix: email, first: 5 })).contacts.edges.map((e) => e.node);
      const contact = found.find((c) => c.email === email)!;
      const details = ok(await graphql(env.api.url, key, ContactDetailsDocument, { id: contact.id }));
      if (details.node?.__typename !== 'Contact') throw new Error('not a contact');
      const expected = Object.entries(source.properties)
        .filter(([, v]) => v !== null && v !== '')
        .map(([name, v]) => {
          kinds.add(typeof v);
          const field = items.find((f) => f.name === name)!;
          return { field: { id: field.id, name, type: field.type }, value: text(v) };
        })
        .sort((a, b) => (a.field.name < b.field.name ? -1 : 1));
      expect(details.node.customFieldValues, email).toEqual(expected);
    }
    expect([...kinds].sort()).toEqual(['boolean', 'number', 'string']);
  });

  it('lists suppression groups with exactly who opted out, page by page', async () => {
    const groups = ok(await graphql(env.api.url, key, BrowseSuppressionGroupsDocument, { membersFirst: 3 })).suppressionGroups;
    expect(groups.totalCount).toBe(account.topics.length);
    expect(byName(groups.nodes).map(({ members: _m, id: _i, ...g }) => g)).toEqual(
      byName(account.topics.map((t) => ({ name: t.name, description: t.description, membersNote: null, sourceProvider: 'resend' }))),
    );
    let someHadMembers = false;
    for (const topic of account.topics) {
      const group = groups.nodes.find((g) => g.name === topic.name)!;
      const expected = truth.optedOut(topic.id);
      expect(group.members.totalCount, topic.name).toBe(expected.length);
      const { items } = await everything(3, async (first, after) => {
        const node = ok(await graphql(env.api.url, key, GroupMembersDocument, { id: group.id, first, after })).node;
        if (node?.__typename !== 'SuppressionGroup') throw new Error('not a group');
        return { ...node.members, items: node.members.nodes };
      });
      expect(items.map((m) => m.email), topic.name).toEqual(expected);
      expect(items.every((m) => m.reason === 'unsubscribe')).toBe(true);
      someHadMembers ||= items.length > 3;
    }
    expect(someHadMembers).toBe(true);
  });

  it('lists suppressions by reason and by group, account-wide ones first', async () => {
    const read = (vars: Omit<BrowseSuppressionsQueryVariables, 'first' | 'after'>, first = 5) =>
      everything(first, async (f, after) => {
        const c = ok(await graphql(env.api.url, key, BrowseSuppressionsDocument, { ...vars, first: f, after })).suppressions;
        return { ...c, items: c.nodes };
      });
    const all = await read({}, 7);
    const groupTotal = account.topics.reduce((n, t) => n + truth.optedOut(t.id).length, 0);
    expect(all.totalCount).toBe(truth.global.size + groupTotal);
    const globalOnes = all.items.filter((s) => s.global);
    expect(all.items.slice(0, globalOnes.length)).toEqual(globalOnes); // account-wide first
    expect(globalOnes.map((s) => s.email)).toEqual(sorted(truth.global.keys()));
    for (const s of globalOnes) {
      expect(s.reason, s.email).toBe(truth.global.get(s.email));
      expect(s.group).toBeNull();
    }
    const listedBounce = account.suppressions.find((s) => s.origin === 'bounce' && isPlausibleEmail(s.email))!;
    expect(globalOnes.find((s) => s.email === normalizeEmail(listedBounce.email))?.sourceCreatedAt).not.toBeNull();
    for (const reason of ['bounce', 'spam_complaint', 'manual', 'unsubscribe', 'invalid'] as const) {
      const expected = [...truth.global].filter(([, r]) => r === reason).map(([e]) => e);
      const groupMembers = reason === 'unsubscribe' ? groupTotal : 0;
      const got = await read({ reason }, 4);
      expect(got.totalCount, reason).toBe(expected.length + groupMembers);
      expect(got.items.filter((s) => s.global).map((s) => s.email), reason).toEqual(sorted(expected));
      expect(got.items.every((s) => s.reason === reason)).toBe(true);
    }
    expect(new Set([...truth.global.values()]).size).toBeGreaterThanOrEqual(3);
    const groups = ok(await graphql(env.api.url, key, BrowseSuppressionGroupsDocument, {})).suppressionGroups.nodes;
    for (const topic of account.topics) {
      const group = groups.find((g) => g.name === topic.name)!;
      const got = await read({ groupId: group.id }, 2);
      expect(got.items.map((s) => s.email)).toEqual(truth.optedOut(topic.id));
      expect(got.items.every((s) => !s.global && s.group?.id === group.id && s.group.name === topic.name)).toBe(true);
      expect((await read({ groupId: group.id, reason: 'bounce' })).totalCount).toBe(0);
    }
    expect(errorCode(await graphql(env.api.url, key, BrowseSuppressionsDocument, { groupId: 'grp_nope' }))).toBe('not_found');
    expect(errorCode(await graphql(env.api.url, key, BrowseSuppressionsDocument, { after: 'c1.bm90LWpzb24' }))).toBe('validation_error');
  });

  it('shows a contact’s memberships with their per-audience opt-out, and where it is suppressed', async () => {
    // People in several lists, legacy audiences and segments among them.
    const inLists = new Map<string, string[]>();
    for (const [listId, members] of Object.entries(truth.listMembers)) for (const e of members) inLists.set(e, [...(inLists.get(e) ?? []), listId]);
    const several = [...inLists].filter(([, lists]) => lists.length > 1);
    expect(several.length).toBeGreaterThan(2);
    const optedOutOfAudience = [...inLists].filter(([e, lists]) => lists.some((l) => truth.listUnsubscribed(l).get(e) && !truth.globallyUnsubscribed.has(e)));
    const suppressedInGroup = [...inLists].filter(([e]) => account.topics.some((t) => truth.optedOut(t.id).includes(e)) && truth.global.has(e));
    const people = [...several.slice(0, 3), ...optedOutOfAudience.slice(0, 2), ...suppressedInGroup.slice(0, 2)];
    expect(optedOutOfAudience.length).toBeGreaterThan(0);
    for (const [email, lists] of people) {
      const contact = ok(await graphql(env.api.url, key, BrowseContactsDocument, { emailPrefix: email })).contacts.edges.find((e) => e.node.email === email)!.node;
      const { items, totalCount } = await everything(1, async (first, after) => {
        const node = ok(await graphql(env.api.url, key, ContactDetailsDocument, { id: contact.id, first, after })).node;
        if (node?.__typename !== 'Contact') throw new Error('not a contact');
        return { ...node.memberships, items: node.memberships.nodes };
      });
      expect(totalCount).toBe(lists.length);
      const expected = lists.map((l) => ({
        audience: audienceOf.get(l)!,
        // The membership's own flag: set only by a legacy audience's per-audience opt-out.
        unsubscribed: account.lists.find((x) => x.id === l)!.legacy
          ? account.audienceContacts.some((a) => a.audience_id === l && normalizeEmail(a.email) === email && a.unsubscribed)
          : false,
      }));
      expect(items.map((m) => ({ audience: m.audience.id, unsubscribed: m.unsubscribed })).sort((a, b) => (a.audience < b.audience ? -1 : 1))).toEqual(
        expected.sort((a, b) => (a.audience < b.audience ? -1 : 1)),
      );
      for (const m of items) expect(m.audience.contactCount).toBe(truth.listMembers[[...audienceOf].find(([, id]) => id === m.audience.id)![0]]!.length);
      const details = ok(await graphql(env.api.url, key, ContactDetailsDocument, { id: contact.id })).node;
      if (details?.__typename !== 'Contact') throw new Error('not a contact');
      const groupsOf = account.topics.filter((t) => truth.optedOut(t.id).includes(email)).map((t) => t.name).sort();
      const globalReason = truth.global.get(email);
      expect(details.suppressions.filter((s) => s.global).map((s) => s.reason)).toEqual(globalReason ? [globalReason] : []);
      expect(details.suppressions.filter((s) => !s.global).map((s) => s.group!.name).sort()).toEqual(groupsOf);
      expect(details.suppressions.slice(0, globalReason ? 1 : 0).every((s) => s.global)).toBe(true);
      expect(details.unsubscribed).toBe(truth.globallyUnsubscribed.has(email));
    }
  });

  it('finds contacts by email prefix, audience, unsubscribed and migration, paging each to the end', async () => {
    const read = (vars: Omit<BrowseContactsQueryVariables, 'first' | 'after'>, first = 7) =>
      everything(first, async (f, after) => {
        const c = ok(await graphql(env.api.url, key, BrowseContactsDocument, { ...vars, first: f, after })).contacts;
        return { ...c, items: c.edges.map((e) => e.node) };
      });
    const emails = (items: { email: string }[]) => sorted(items.map((c) => c.email));

    const all = await read({}, 9);
    expect(emails(all.items)).toEqual(truth.contactEmails);
    expect(all.pages).toBe(Math.ceil(truth.contactEmails.length / 9));

    // Email prefixes: in email order, upper case, characters LIKE would take as wildcards, non-ASCII.
    const sample = truth.contactEmails[Math.floor(truth.contactEmails.length / 2)]!;
    const unicode = truth.contactEmails.find((e) => /[^\x00-\x7f]/.test(e.split('@')[0]!));
    const prefixes = [
      sample.slice(0, 1),
      sample.slice(0, 2),
      sample.split('@')[0]!,
      sample,
      sample.slice(0, 2).toUpperCase(),
      `${sample.slice(0, 1)}_`,
      `${sample.slice(0, 1)}%`,
      '',
      ...(unicode ? [unicode.slice(0, [...unicode].findIndex((c) => /[^\x00-\x7f]/.test(c)) + 1)] : []),
      'zzzz-nobody',
    ];
    expect(unicode).toBeDefined();
    for (const prefix of prefixes) {
      const expected = truth.contactEmails.filter((e) => e.startsWith(prefix.toLowerCase()));
      const got = await read({ emailPrefix: prefix }, 3);
      expect(got.items.map((c) => c.email), prefix).toEqual([...expected].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }
    expect((await read({ emailPrefix: sample.slice(0, 1) }, 3)).totalCount).toBeGreaterThan(3);

    // Audiences, and who in each is unsubscribed from it (its own opt-out, or globally).
    for (const list of account.lists) {
      const audienceId = audienceOf.get(list.id)!;
      const members = await read({ audienceId }, 5);
      expect(emails(members.items), list.name).toEqual(truth.listMembers[list.id]);
      const flags = truth.listUnsubscribed(list.id);
      const unsubscribed = sorted([...flags].filter(([, u]) => u).map(([e]) => e));
      expect(emails((await read({ audienceId, unsubscribed: true }, 2)).items), list.name).toEqual(unsubscribed);
      expect(emails((await read({ audienceId, unsubscribed: false })).items), list.name).toEqual(
        sorted([...flags].filter(([, u]) => !u).map(([e]) => e)),
      );
      const prefix = truth.listMembers[list.id]![0]!.slice(0, 1);
      const byPrefix = await read({ audienceId, emailPrefix: prefix }, 2);
      expect(emails(byPrefix.items)).toEqual(truth.listMembers[list.id]!.filter((e) => e.startsWith(prefix)));
      for (const c of byPrefix.items) expect(c.audienceUnsubscribed).toBe(list.legacy ? account.audienceContacts.some((a) => a.audience_id === list.id && normalizeEmail(a.email) === c.email && a.unsubscribed) : false);
    }
    expect(account.lists.some((l) => l.legacy && [...truth.listUnsubscribed(l.id)].some(([e, u]) => u && !truth.globallyUnsubscribed.has(e)))).toBe(true);

    // Globally unsubscribed.
    expect(emails((await read({ unsubscribed: true }, 2)).items)).toEqual(sorted(truth.globallyUnsubscribed));
    expect(emails((await read({ unsubscribed: false })).items)).toEqual(truth.contactEmails.filter((e) => !truth.globallyUnsubscribed.has(e)));

    // Migrations: the first brought one legacy audience's people; the second everyone else.
    const first = await read({ migrationId: migrations.first }, 4);
    expect(emails(first.items)).toEqual(truth.listMembers[firstList.id]);
    expect(first.totalCount).toBe(migrations.firstResult.contacts);
    expect(first.items.every((c) => c.migration?.id === migrations.first)).toBe(true);
    const second = await read({ migrationId: migrations.second }, 8);
    expect(emails(second.items)).toEqual(truth.contactEmails.filter((e) => !truth.listMembers[firstList.id]!.includes(e)));
    expect(second.totalCount).toBe(migrations.secondResult.contacts);
    const secondUnsubscribed = await read({ migrationId: migrations.second, unsubscribed: true, emailPrefix: '' }, 2);
    expect(emails(secondUnsubscribed.items)).toEqual(sorted(second.items.filter((c) => c.unsubscribed).map((c) => c.email)));

    // Cursors: a page after the last is empty; bad input is refused, others' ids are not found.
    const last = ok(await graphql(env.api.url, key, BrowseContactsDocument, { first: 500 })).contacts;
    expect(last.pageInfo.hasNextPage).toBe(false);
    const after = ok(await graphql(env.api.url, key, BrowseContactsDocument, { first: 5, after: last.pageInfo.endCursor })).contacts;
    expect(after).toMatchObject({ totalCount: truth.contactEmails.length, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
    expect(errorCode(await graphql(env.api.url, key, BrowseContactsDocument, { emailPrefix: 'a'.repeat(255) }))).toBe('validation_error');
    expect(errorCode(await graphql(env.api.url, key, BrowseContactsDocument, { after: 'not-a-cursor' }))).toBe('validation_error');
    // An email cursor is no cursor of the id order.
    const byEmail = ok(await graphql(env.api.url, key, BrowseContactsDocument, { emailPrefix: '', first: 1 })).contacts;
    expect(errorCode(await graphql(env.api.url, key, BrowseContactsDocument, { after: byEmail.pageInfo.endCursor }))).toBe('validation_error');
    for (const vars of [{ audienceId: audienceOf.get(firstList.id)! }, { migrationId: migrations.first }]) {
      expect(errorCode(await graphql(env.api.url, other.key, BrowseContactsDocument, vars))).toBe('not_found');
    }
    expect(errorCode(await graphql(env.api.url, key, BrowseContactsDocument, { migrationId: 'mig_nope' }))).toBe('not_found');
  });

  it('fetches every kind of node by id, and none of another organization', async () => {
    const ids: Record<string, string> = {};
    ids.Domain = ok(await graphql(env.api.url, key, FirstDomainDocument, {})).domains.nodes[0]!.id;
    ids.Audience = audienceOf.get(firstList.id)!;
    ids.Contact = ok(await graphql(env.api.url, key, BrowseContactsDocument, { first: 1 })).contacts.edges[0]!.node.id;
    ids.CustomField = ok(await graphql(env.api.url, key, BrowseCustomFieldsDocument, { first: 1 })).customFields.nodes[0]!.id;
    ids.Template = ok(await graphql(env.api.url, key, BrowseTemplatesDocument, { first: 1 })).templates.nodes[0]!.id;
    ids.SuppressionGroup = ok(await graphql(env.api.url, key, BrowseSuppressionGroupsDocument, {})).suppressionGroups.nodes[0]!.id;
    for (const [typename, id] of Object.entries(ids)) {
      const mine = ok(await graphql(env.api.url, key, NodeByIdDocument, { id })).node;
      expect(mine, typename).toMatchObject({ __typename: typename, id });
      expect(Object.values(mine!).filter((v) => typeof v === 'string' && v !== typename && v !== id).length, typename).toBe(1); // its name or email
      expect(ok(await graphql(env.api.url, other.key, NodeByIdDocument, { id })).node, typename).toBeNull();
    }
    for (const id of ['dom_nope', 'aud_nope', 'fld_nope', 'tpl_nope', 'grp_nope', '00000000-0000-4000-8000-000000000000']) {
      expect(ok(await graphql(env.api.url, key, NodeByIdDocument, { id })).node, id).toBeNull();
    }
    expect(ok(await graphql(env.api.url, other.key, GroupMembersDocument, { id: ids.SuppressionGroup! })).node).toBeNull();
    expect(errorCode(await graphql(env.api.url, other.key, BrowseSuppressionsDocument, { groupId: ids.SuppressionGroup! }))).toBe('not_found');
  });
});
