import type pg from 'pg';
import { AUDIENCE_SQL } from '../src/modules/audiences/audience.repository.js';
import { BROWSE_SQL, prefixUpperBound } from '../src/modules/contacts/contact.repository.js';

export interface PlanCheck {
  query: string;
  ms: number;
  /** Node types of the plan, outermost first. */
  nodes: string[];
  /** A sequential scan of contacts or audience_members: wrong for a keyset page. */
  scansTable: boolean;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(node);
  for (const child of node.Plans ?? []) flatten(child, out);
  return out;
}

/**
 * EXPLAIN ANALYZE of the browse queries for an organization holding `audiences` and many
 * contacts: the first page, a page from the middle (keyset `after`), an audience's page, and the
 * counts the pages report.
 */
export async function checkBrowsePlans(pool: pg.Pool, organizationId: string, audienceId: string): Promise<PlanCheck[]> {
  await pool.query('analyze contacts; analyze audience_members');
  const middle = (await pool.query<{ id: string }>(
    'select id from contacts where organization_id = $1 order by id offset (select count(*) / 2 from contacts where organization_id = $1) limit 1',
    [organizationId],
  )).rows[0]!.id;
  const memberMiddle = (await pool.query<{ contact_id: string }>(
    'select contact_id from audience_members where audience_id = $1 order by contact_id offset (select count(*) / 2 from audience_members where audience_id = $1) limit 1',
    [audienceId],
  )).rows[0]!.contact_id;
  const { email: middleEmail, migration_job_id: job } = (await pool.query<{ email: string; migration_job_id: string | null }>(
    'select email, migration_job_id from contacts where id = $1',
    [middle],
  )).rows[0]!;
  // An email prefix of the middle contact: its first three characters.
  const prefix = middleEmail.slice(0, 3);
  const upper = prefixUpperBound(prefix);
  const none = [null, null, null, null];
  const cases: [string, string, unknown[]][] = [
    ['contacts, first page', BROWSE_SQL.contactsPage, [organizationId, null, null, ...none, 51]],
    ['contacts, page from the middle', BROWSE_SQL.contactsPage, [organizationId, middle, middle, ...none, 51]],
    ['contacts of a migration, page from the middle', BROWSE_SQL.contactsPage, [organizationId, middle, middle, job, job, null, null, 51]],
    ['unsubscribed contacts, first page', BROWSE_SQL.contactsPage, [organizationId, null, null, null, null, true, true, 51]],
    ['contacts of an audience, page from the middle', BROWSE_SQL.audienceContactsPage, [audienceId, memberMiddle, memberMiddle, ...none, 51]],
    ['contacts by email prefix, first page', BROWSE_SQL.emailPrefixPage, [null, organizationId, prefix, upper, upper, null, null, null, ...none, 51]],
    ['contacts by email prefix, page after the middle', BROWSE_SQL.emailPrefixPage, [null, organizationId, prefix, upper, upper, middleEmail, middleEmail, null, ...none, 51]],
    ['audience members by email prefix, first page', BROWSE_SQL.emailPrefixPage, [audienceId, organizationId, prefix, upper, upper, null, null, audienceId, ...none, 51]],
    ['audiences with member counts', AUDIENCE_SQL.audiencesPage, [organizationId, null, null, 51]],
    ['contact count', BROWSE_SQL.contactsCount, [organizationId, ...none]],
    ['contact count of a migration', BROWSE_SQL.contactsCount, [organizationId, job, job, null, null]],
    ['contact count by email prefix', BROWSE_SQL.emailPrefixCount, [null, organizationId, prefix, upper, upper, null, ...none]],
    ['audience member count', BROWSE_SQL.audienceContactsCount, [audienceId, ...none]],
  ];
  const checks: PlanCheck[] = [];
  for (const [query, sql, params] of cases) {
    let n = 0;
    const numbered = sql.replace(/\?/g, () => `$${++n}`);
    const { rows } = await pool.query(`explain (analyze, format json) ${numbered}`, params);
    const plan = (rows[0]['QUERY PLAN'] as [{ Plan: PlanNode; 'Execution Time': number }])[0];
    const nodes = flatten(plan.Plan);
    checks.push({
      query,
      ms: Math.round(plan['Execution Time'] * 100) / 100,
      nodes: nodes.map((p) => (p['Relation Name'] ? `${p['Node Type']} on ${p['Relation Name']}` : p['Node Type'])),
      scansTable: nodes.some((p) => p['Node Type'] === 'Seq Scan' && ['contacts', 'audience_members'].includes(p['Relation Name'] ?? '')),
    });
  }
  return checks;
}
