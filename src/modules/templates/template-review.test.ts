import { describe, it, expect } from 'vitest';
import { parseTemplate } from './template-parser.js';
import { reviewTemplate, type ReviewReason } from './template-review.js';

/** Compact view of reasons for assertions: [code, construct, line, column]. */
const summary = (reasons: ReviewReason[]) => reasons.map((r) => [r.code, r.construct, r.line, r.column]);
const html = (source: string) => reviewTemplate({ html: source });

describe('reviewTemplate', () => {
  it('accepts a plain Resend template and lists its variables with fallbacks', () => {
    const review = reviewTemplate({
      subject: 'Welcome, {{{FIRST_NAME|there}}}!',
      html: '<h1>Hi {{{FIRST_NAME|there}}},</h1><p>Thanks for joining {{{PRODUCT_NAME}}}.</p>',
      text: null,
    });
    expect(review.needsReview).toBe(false);
    expect(review.reasons).toEqual([]);
    expect(review.variables).toEqual([
      { name: 'FIRST_NAME', fallback: 'there' },
      { name: 'PRODUCT_NAME', fallback: null },
    ]);
  });

  it('flags a loop and a conditional at their exact positions, without listing inner variables', () => {
    const source = '<p>Hello {{{FIRST_NAME}}}</p><ul>{{#each items}}<li>{{name}} × {{quantity}}</li>{{/each}}</ul>{{#if vip}}<p>VIP</p>{{/if}}';
    const review = html(source);
    expect(review.needsReview).toBe(true);
    expect(summary(review.reasons)).toEqual([
      ['loop', '{{#each items}}', 1, source.indexOf('{{#each') + 1],
      ['conditional', '{{#if vip}}', 1, source.indexOf('{{#if') + 1],
    ]);
    expect(source.indexOf('{{#each') + 1).toBe(34);
    expect(review.reasons[0]!.message).toBe(
      'Loop {{#each items}} at line 1, column 34 of html: loops are not supported; rewrite as a pre-rendered list or review by hand',
    );
    expect(review.variables).toEqual([{ name: 'FIRST_NAME', fallback: null }]);
  });

  it('tracks lines and columns across \\n and \\r\\n', () => {
    const review = html('<p>\n  Hi {{name}}\r\n    {{> footer}}\n{{#unless a}}x{{/unless}}');
    expect(summary(review.reasons)).toEqual([
      ['partial', '{{> footer}}', 3, 5],
      ['conditional', '{{#unless a}}', 4, 1],
    ]);
  });

  it('orders reasons by field order given, then position', () => {
    const review = reviewTemplate({ subject: '{{#if a}}x{{/if}}', html: '{{> p}} {{#each b}}{{/each}}', text: '{{^c}}y{{/c}}' });
    expect(review.reasons.map((r) => [r.field, r.code])).toEqual([
      ['subject', 'conditional'], ['html', 'partial'], ['html', 'loop'], ['text', 'inverse_section'],
    ]);
  });

  it('flags helpers with arguments, subexpressions and other block helpers', () => {
    const review = html('{{formatDate date "YYYY"}} {{{link url text}}} {{upper (lower x)}} {{#with user}}{{name}}{{/with}}');
    expect(review.reasons.map((r) => r.code)).toEqual(['helper', 'helper', 'helper', 'block_helper']);
    expect(review.reasons[2]!.message).toContain('subexpression');
    expect(review.variables).toEqual([]);
  });

  it('keeps }} inside a helper string argument inside the tag', () => {
    expect(summary(html('{{format x "a}}b"}}!').reasons)).toEqual([['helper', '{{format x "a}}b"}}', 1, 1]]);
  });

  it('puts {{else}} branches into the block inverse and flags a stray else', () => {
    const { nodes, issues } = parseTemplate('{{#if a}}yes{{else}}no{{/if}}');
    expect(issues).toEqual([]);
    const block = nodes[0];
    expect(block).toMatchObject({ kind: 'block', helper: 'if', params: 'a', closePos: { line: 1, column: 23 } });
    if (block?.kind !== 'block') throw new Error('expected a block');
    expect(block.children).toMatchObject([{ kind: 'text', value: 'yes' }]);
    expect(block.inverse).toMatchObject([{ kind: 'text', value: 'no' }]);
    expect(summary(html('{{#if a}}yes{{else}}no{{/if}}').reasons)).toEqual([['conditional', '{{#if a}}', 1, 1]]);
    expect(summary(html('a {{else}} b').reasons)).toEqual([['syntax', '{{else}}', 1, 3]]);
  });

  it('reports an unclosed block', () => {
    expect(summary(html('x {{#each items}}{{name}}').reasons)).toEqual([
      ['loop', '{{#each items}}', 1, 3],
      ['syntax', '{{#each items}}', 1, 3],
    ]);
    expect(html('{{#each items}}').reasons[1]!.message).toContain('expected {{/each}}');
  });

  it('reports a mismatched close and an unexpected close', () => {
    const review = html('{{#if a}}x{{/each}} {{/if}}');
    expect(summary(review.reasons)).toEqual([
      ['conditional', '{{#if a}}', 1, 1],
      ['syntax', '{{/each}}', 1, 11],
      ['syntax', '{{/if}}', 1, 21],
    ]);
    expect(review.reasons[1]!.message).toContain('expected {{/if}} to close {{#if a}} opened at line 1, column 1');
    expect(parseTemplate('{{/if}}').issues.map((i) => i.code)).toEqual(['unexpected_close']);
  });

  it('turns an unterminated tag into text plus a syntax reason, without throwing', () => {
    const { nodes, issues } = parseTemplate('Hi {{{NAME');
    expect(nodes).toEqual([{ kind: 'text', value: 'Hi {{{NAME', pos: { line: 1, column: 1, offset: 0 } }]);
    expect(issues.map((i) => i.code)).toEqual(['unterminated_tag']);
    expect(summary(html('Hi {{{NAME').reasons)).toEqual([['syntax', '{{{NAME', 1, 4]]);
    // A later tag is still recognised after the broken one.
    expect(summary(html('{{a {{#if b}}{{/if}}').reasons)).toEqual([['syntax', '{{a ', 1, 1], ['conditional', '{{#if b}}', 1, 5]]);
  });

  it('ignores comments and accepts {{& NAME}}', () => {
    const review = html('{{! a comment }}{{!-- has }} and {{#each}} inside --}}Hi {{& NAME}} {{~ OTHER ~}}');
    expect(review.needsReview).toBe(false);
    expect(review.variables).toEqual([{ name: 'NAME', fallback: null }, { name: 'OTHER', fallback: null }]);
    expect(parseTemplate('{{& NAME}}').nodes[0]).toMatchObject({ kind: 'variable', path: 'NAME', escaped: false });
  });

  it('treats CSS braces and a lone { as text', () => {
    const review = html('<style>a { color: red } p{margin:0}</style>{ lone } {{NAME}}');
    expect(review.needsReview).toBe(false);
    expect(review.variables).toEqual([{ name: 'NAME', fallback: null }]);
  });

  it('flags raw blocks and keeps their content literal', () => {
    const review = html('{{{{raw}}}}{{#each x}}{{{{/raw}}}}');
    expect(summary(review.reasons)).toEqual([['raw_block', '{{{{raw}}}}', 1, 1]]);
  });

  it('flags this, @ and ../ paths outside blocks only', () => {
    expect(html('{{this}} {{@index}} {{../name}}').reasons.map((r) => r.code)).toEqual(['context_path', 'context_path', 'context_path']);
    expect(html('{{#each xs}}{{@index}} {{this}}{{/each}}').reasons.map((r) => r.code)).toEqual(['loop']);
  });

  it('keeps the first explicit fallback, including empty and punctuated ones', () => {
    const review = reviewTemplate({ subject: '{{A}} {{B|}}', html: "{{{A|Don't, friend!}}} {{B|later}} {{user.name}}" });
    expect(review.variables).toEqual([
      { name: 'A', fallback: "Don't, friend!" }, { name: 'B', fallback: '' }, { name: 'user.name', fallback: null },
    ]);
    expect(review.needsReview).toBe(false);
  });

  it('counts columns in UTF-16 code units after unicode text', () => {
    // "<p>Grüße " is 9 units, the emoji is 2, then a space: the tag starts at column 13.
    const review = html('<p>Grüße 👋 {{#each x}}{{/each}}</p>\nÄ {{> p}}');
    expect(summary(review.reasons)).toEqual([['loop', '{{#each x}}', 1, 13], ['partial', '{{> p}}', 2, 3]]);
  });

  it('truncates long constructs to 80 characters', () => {
    const construct = html(`{{#if ${'a'.repeat(100)}}}{{/if}}`).reasons[0]!.construct;
    expect(construct).toHaveLength(80);
    expect(construct.startsWith('{{#if aaa')).toBe(true);
  });

  it('never throws on random input and reports positions that point at the construct', () => {
    // Tiny seeded PRNG (mulberry32) so failures are reproducible.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pieces = ['{', '}', '{{', '}}', '#', '/', '^', '>', '!', '~', '&', '|', '"', '(', ' ', '\n', 'a', 'b', 'each', 'if', 'else', '@', '.', 'é'];
    for (let n = 0; n < 200; n++) {
      const length = Math.floor(random() * 40);
      const source = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const review = html(source);
      const lines = source.split('\n');
      for (const reason of review.reasons) {
        expect(reason.line).toBeGreaterThanOrEqual(1);
        expect(reason.column).toBeGreaterThanOrEqual(1);
        const offset = lines.slice(0, reason.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + reason.column - 1;
        const written = reason.construct.endsWith('…') ? reason.construct.slice(0, -1) : reason.construct;
        expect(source.startsWith(written, offset), `${JSON.stringify(source)} ${reason.message}`).toBe(true);
      }
    }
  });
});
