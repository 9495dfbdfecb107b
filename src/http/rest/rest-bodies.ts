import { z } from 'zod';
import { quoteInput } from '../../errors/message-text.js';
import { approveOptionsSchema } from '../../modules/migrations/migration-options.js';
import { startInput } from '../../modules/migrations/migration.service.js';

/** Bodies nested deeper than this are refused before anything walks them recursively. */
const MAX_BODY_DEPTH = 32;

/**
 * The JSON bodies of `/v1/migrate`, strict: a field the contract does not know is a
 * validation_error that names it, never silently ignored (an approval with its options at the
 * top level would otherwise import everything). Values are checked for type here; what they
 * mean (a credential's length, a source's name) is the service's to judge.
 */
/** REST's approval options: GraphQL's, with suppression groups under their first name, topics. */
const restApproveOptions = approveOptionsSchema
  .omit({ suppressionGroups: true, ignoreSuppressionGroups: true })
  .extend({ topics: approveOptionsSchema.shape.suppressionGroups, ignoreTopics: approveOptionsSchema.shape.ignoreSuppressionGroups })
  .strict();

export const restBodies = {
  start: startInput.strict(),
  approve: z.object({ options: restApproveOptions.nullable().optional() }).strict(),
  none: z.object({}).strict(),
};

/** One message for every problem, by field path; never the values that were sent. */
export function describeBodyIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.map(String).join('.') : 'body';
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map(quoteInput).join(', ');
        return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Whether a parsed JSON value nests deeper than the limit (checked without recursion). */
export function nestedTooDeep(value: unknown): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if (!item.value || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_BODY_DEPTH) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}
