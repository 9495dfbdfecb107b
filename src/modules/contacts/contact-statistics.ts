import type { Queryable } from '../../db/queryable.js';

/**
 * Fresh planner statistics for the contact tables after a large load, so the browse queries are
 * planned for the new sizes at once rather than after autovacuum comes by.
 */
export async function analyzeContactTables(db: Queryable): Promise<void> {
  await db.query('analyze contacts; analyze audience_members');
}
