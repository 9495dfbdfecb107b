import type { GraphQLContext } from './context.js';

const memos = new WeakMap<GraphQLContext, Map<string, Promise<unknown>>>();

/**
 * One read per request: the first resolver that asks for `key` starts `load`, every other one
 * of the same request shares its answer (e.g. the organization's custom field definitions that
 * every contact of a page needs). Gone with the request's context.
 */
export function requestMemo<T>(ctx: GraphQLContext, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(ctx);
  if (!memo) memos.set(ctx, (memo = new Map()));
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    memo.set(key, value);
  }
  return value;
}
