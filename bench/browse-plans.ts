import type pg from 'pg';
import { BROWSE_SQL } from '../src/modules/destination/browse.repository.js';

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
  const cases: [string, string, unknown[]][] = [
    ['contacts, first page', BROWSE_SQL.contactsPage, [organizationId, null, null, 51]],
    ['contacts, page from the middle', BROWSE_SQL.contactsPage, [organizationId, middle, middle, 51]],
    ['contacts of an audience, page from the middle', BROWSE_SQL.audienceContactsPage, [audienceId, memberMiddle, memberMiddle, 51]],
    ['audiences with member counts', BROWSE_SQL.audiencesPage, [organizationId, null, null, 51]],
    ['contact count', BROWSE_SQL.contactsCount, [organizationId]],
    ['audience member count', BROWSE_SQL.audienceContactsCount, [audienceId]],
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
