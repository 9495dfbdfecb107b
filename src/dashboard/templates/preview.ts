import { parseTemplate, type TemplateNode } from '../../modules/templates/template-parser.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function lookUp(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * A template with its variables filled from `data`, as this platform substitutes them: `{{x}}`
 * escaped, `{{{x}}}` as it is, `{{x|fallback}}` with the fallback when there is no value. A
 * variable with neither stays as written, so a preview hides nothing. What the platform does
 * not render (loops, conditionals, helpers, partials) is left as written too: those are the
 * review findings.
 */
export function fillTemplate(source: string, data: Record<string, unknown> | null): string {
  const render = (nodes: TemplateNode[]): string =>
    nodes
      .map((node) => {
        switch (node.kind) {
          case 'text':
            return node.value;
          case 'comment':
            return '';
          case 'variable': {
            const value = data ? lookUp(data, node.path) : undefined;
            const text = value === undefined || value === null ? node.fallback : asText(value);
            if (text === null) return node.tag;
            return node.escaped ? escapeHtml(text) : text;
          }
          case 'block':
            return `${node.tag}${render(node.children)}${node.inverse.length ? `{{else}}${render(node.inverse)}` : ''}${node.closePos ? `{{/${node.helper}}}` : ''}`;
          default:
            return node.tag;
        }
      })
      .join('');
  return render(parseTemplate(source).nodes);
}
