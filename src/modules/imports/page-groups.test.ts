import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SourcePage } from '../../sources/source-types.js';
import { pageGroups } from './page-groups.js';

/** `count` pages of `size` records each, the i-th arriving after `delay(i)` ms. */
async function* pages(count: number, size: number, delay: (i: number) => number = () => 0): AsyncGenerator<SourcePage<string>> {
  for (let i = 0; i < count; i++) {
    await sleep(delay(i));
    yield { items: Array.from({ length: size }, (_, j) => `r${i}-${j}`), nextCursor: i === count - 1 ? null : `c${i}`, warnings: [`w${i}`] };
  }
}

const keep = async (page: SourcePage<string>) => ({ page, details: new Map(page.items.map((r) => [r, r.length])) });

describe('pageGroups', () => {
  it('joins pages that arrive at once up to the record limit, with the last page’s cursor and everyone’s notes', async () => {
    const groups = [];
    for await (const g of pageGroups(pages(25, 100), keep, { records: 1000, ms: 10_000 })) groups.push(g);
    expect(groups.map((g) => [g.page.items.length, g.fetched, g.page.nextCursor])).toEqual([
      [1000, 1000, 'c9'],
      [1000, 1000, 'c19'],
      [500, 500, null],
    ]);
    expect(groups[0]!.page.warnings).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'w9']);
    expect(groups[0]!.details.size).toBe(1000);
  });

  it('writes what it holds when the next page is late, instead of waiting for it', async () => {
    const began = performance.now();
    const seen: { cursor: string | null; at: number }[] = [];
    for await (const g of pageGroups(pages(3, 10, (i) => (i === 2 ? 1500 : 0)), keep, { records: 1000, ms: 100 })) {
      seen.push({ cursor: g.page.nextCursor, at: performance.now() - began });
    }
    expect(seen.map((s) => s.cursor)).toEqual(['c1', null]);
    // The first group left about 100 ms after its first page, not 1,500 ms later with the third.
    expect(seen[0]!.at).toBeLessThan(1200);
  });

  it('reads each page as it joins, never while the caller writes a group; counts what the source gave', async () => {
    let writing = false;
    const read = async (page: SourcePage<string>) => {
      expect(writing).toBe(false);
      await sleep(1);
      return { page: { ...page, items: page.items.slice(0, 3) }, details: new Map<string, number>() };
    };
    const fetched: number[] = [];
    for await (const g of pageGroups(pages(6, 10), read, { records: 6, ms: 10_000 })) {
      writing = true;
      await sleep(5);
      writing = false;
      fetched.push(g.fetched);
      expect(g.page.items.length).toBe(6);
    }
    expect(fetched).toEqual([20, 20, 20]);
  });
});
