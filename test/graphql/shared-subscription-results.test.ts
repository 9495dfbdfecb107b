import { describe, expect, it } from 'vitest';
import { createSchema, createYoga } from 'graphql-yoga';
import { useSharedSubscriptionResults } from '../../src/graphql/shared-subscription-results.js';

/** One event source every subscriber shares, as the progress hub is. */
function sharedTicks() {
  const listeners = new Set<(tick: { n: number }) => void>();
  return {
    emit: (tick: { n: number }) => listeners.forEach((l) => l(tick)),
    size: () => listeners.size,
    subscribe(): AsyncIterableIterator<{ n: number }> {
      const queue: { n: number }[] = [];
      let wake: (() => void) | null = null;
      const listener = (tick: { n: number }) => {
        queue.push(tick);
        wake?.();
      };
      listeners.add(listener);
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        async next() {
          while (!queue.length) await new Promise<void>((r) => (wake = r));
          return { done: false, value: queue.shift()! };
        },
        async return() {
          listeners.delete(listener);
          return { done: true, value: undefined };
        },
      };
    },
  };
}

describe('shared subscription results', () => {
  it('executes each event once per selection for all its subscribers, and once more for another selection', async () => {
    const ticks = sharedTicks();
    let executions = 0;
    const schema = createSchema({
      typeDefs: 'type Query { ok: Boolean } type Tick { n: Int label: String } type Subscription { tick: Tick }',
      resolvers: {
        Subscription: { tick: { subscribe: () => ticks.subscribe(), resolve: (t: { n: number }) => t } },
        Tick: { n: (t: { n: number }) => (executions++, t.n), label: (t: { n: number }) => `#${t.n}` },
      },
    });
    const yoga = createYoga({ schema, plugins: [useSharedSubscriptionResults()] });
    const open = async (query: string) => {
      const res = await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query }),
      });
      return res.body!.getReader();
    };
    const same = await Promise.all([1, 2, 3].map(() => open('subscription { tick { n } }')));
    const other = await open('subscription { tick { n label } }');
    const untilNext = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
      let text = '';
      while (!text.includes('event: next')) text += new TextDecoder().decode((await reader.read()).value);
      return text;
    };
    // Yoga starts executing on the first read; wait until all four listen.
    const reads = [...same, other].map(untilNext);
    while (ticks.size() < 4) await new Promise((r) => setTimeout(r, 5));
    ticks.emit({ n: 7 });
    const texts = await Promise.all(reads);
    for (const text of texts.slice(0, 3)) expect(text).toContain('{"data":{"tick":{"n":7}}}');
    expect(texts[3]).toContain('{"data":{"tick":{"n":7,"label":"#7"}}}');
    // Three subscribers of one selection, one of another: two executions of `n`, not four.
    expect(executions).toBe(2);
    await Promise.all([...same, other].map((r) => r.cancel()));
  });
});
