import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { schema } from '../../src/graphql/schema.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const documents = readFileSync(new URL('../../docs/graphql/readme.graphql', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('the GraphQL the README shows', () => {
  it('has examples, each one in docs/graphql/readme.graphql (which codegen types)', () => {
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) expect(documents, block.split('\n')[0]).toContain(block);
  });

  it('is valid against the schema', () => {
    for (const block of blocks) expect(validate(schema, parse(block)).map((e) => e.message), block.split('\n')[0]).toEqual([]);
  });
});
