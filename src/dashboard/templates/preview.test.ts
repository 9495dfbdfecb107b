import { describe, expect, it } from 'vitest';
import { fillTemplate } from './preview.ts';

describe('fillTemplate (the dashboard’s template preview)', () => {
  it('fills variables from the data, escaping what double braces escape', () => {
    expect(fillTemplate('<p>Hi {{ first_name }}, {{{raw}}} & {{esc}}</p>', { first_name: 'Anna', raw: '<b>x</b>', esc: '<b>y</b>' })).toBe(
      '<p>Hi Anna, <b>x</b> & &lt;b&gt;y&lt;/b&gt;</p>',
    );
  });

  it('reads dotted paths, writes non-text values as JSON and uses the fallback when there is no value', () => {
    expect(fillTemplate('{{user.plan}} {{count}} {{missing|friend}} {{gone}}', { user: { plan: 'pro' }, count: 3 })).toBe('pro 3 friend {{gone}}');
  });

  it('leaves what the platform does not render as written, with the variables inside filled', () => {
    const source = '{{#each items}}<li>{{name}}</li>{{/each}}{{#if vip}}VIP{{else}}{{first_name}}{{/if}}{{> footer}}';
    expect(fillTemplate(source, { name: 'Hat', first_name: 'Anna' })).toBe('{{#each items}}<li>Hat</li>{{/each}}{{#if vip}}VIP{{else}}Anna{{/if}}{{> footer}}');
  });

  it('without data, keeps every variable with no fallback as written', () => {
    expect(fillTemplate('Hello {{name|there}} {{who}}', null)).toBe('Hello there {{who}}');
  });
});
