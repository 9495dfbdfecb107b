/**
 * Decides whether an imported template can be rendered by our template language as-is, or
 * needs a human to look at it. Our language supports only text, `{{NAME}}`, `{{{NAME}}}`,
 * `{{& NAME}}`, Resend's `{{NAME|fallback}}` and comments; every other Handlebars construct
 * would render differently (or not at all), so each one becomes a `ReviewReason`.
 */
import { parseTemplate, type ParseIssue, type Position, type TemplateNode } from './template-parser.js';

export const REVIEW_REASON_CODES = [
  'loop', 'conditional', 'block_helper', 'inverse_section', 'partial',
  'helper', 'context_path', 'raw_block', 'syntax',
  /** Not a construct: the source has a newer unpublished draft (set by the importer). */
  'unpublished_version',
  /** Not a construct: a layout, or a template the source renders inside one (set by the importer). */
  'layout',
] as const;
export type ReviewReasonCode = (typeof REVIEW_REASON_CODES)[number];

export interface ReviewReason {
  code: ReviewReasonCode;
  /** The construct exactly as written, e.g. `{{#each items}}`, truncated to 80 characters. */
  construct: string;
  /** Which field of the template it was found in, e.g. `html`. */
  field: string;
  line: number;
  column: number;
  /** Human-readable explanation with position and suggested fix. */
  message: string;
}

export interface TemplateVariable {
  name: string;
  /** The first explicit inline fallback (`{{{NAME|fallback}}}`) seen for this name, '' included. */
  fallback: string | null;
}

export interface TemplateReview {
  needsReview: boolean;
  reasons: ReviewReason[];
  /** Distinct variables used outside flagged blocks, in first-use order across fields. */
  variables: TemplateVariable[];
}

const MAX_CONSTRUCT_LENGTH = 80;
/** Names our renderer can substitute: identifiers, optionally dotted (`user.name`). */
const SUPPORTED_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
/** `this`, `./x`, `../x`, `@index`: only meaningful inside a Handlebars block's context. */
const CONTEXT_PATH = /^(this([./]|$)|\.\.?\/|@)/;

/** What each code means for the user: a noun for the construct and the advice to give. */
const WORDING: Record<ReviewReasonCode, { noun: string; advice: string }> = {
  loop: { noun: 'Loop', advice: 'loops are not supported; rewrite as a pre-rendered list or review by hand' },
  conditional: { noun: 'Conditional', advice: 'conditionals are not supported; split into separate templates or review by hand' },
  block_helper: { noun: 'Block helper', advice: 'block helpers are not supported; review by hand' },
  inverse_section: { noun: 'Inverse section', advice: 'inverse sections are not supported; rewrite without it or review by hand' },
  partial: { noun: 'Partial', advice: "partials are not supported; inline the partial's content" },
  helper: { noun: 'Helper call', advice: 'helpers with arguments are not supported; pre-compute the value into a variable' },
  context_path: { noun: 'Context path', advice: 'this, @… and ../ paths only make sense inside blocks; replace with a named variable' },
  raw_block: { noun: 'Raw block', advice: 'raw blocks are not supported; replace with plain text or review by hand' },
  syntax: { noun: 'Syntax problem', advice: 'fix the template or review by hand' },
  unpublished_version: { noun: 'Unpublished draft', advice: 'compare with the source before sending' },
  layout: { noun: 'Layout', advice: 'merge the layout into the template before sending' },
};

const truncate = (text: string) =>
  text.length > MAX_CONSTRUCT_LENGTH ? `${text.slice(0, MAX_CONSTRUCT_LENGTH - 1)}…` : text;

/** A reason plus the data needed to sort it; stripped before returning. */
interface SortableReason { fieldIndex: number; offset: number; reason: ReviewReason }

class FieldReviewer {
  constructor(
    private readonly field: string,
    private readonly fieldIndex: number,
    private readonly reasons: SortableReason[],
    private readonly variables: Map<string, TemplateVariable>,
  ) {}

  flag(code: ReviewReasonCode, written: string, pos: Position, detail?: string): void {
    const construct = truncate(written);
    const { noun, advice } = WORDING[code];
    const where = `at line ${pos.line}, column ${pos.column} of ${this.field}`;
    const message = `${noun} ${construct} ${where}: ${detail ? `${detail}; ` : ''}${advice}`;
    this.reasons.push({
      fieldIndex: this.fieldIndex, offset: pos.offset,
      reason: { code, construct, field: this.field, line: pos.line, column: pos.column, message },
    });
  }

  flagIssue(issue: ParseIssue): void {
    this.flag('syntax', issue.text, issue.pos, issue.message);
  }

  /** `insideBlock`: the enclosing block is already flagged, so its variables are its business. */
  visit(nodes: TemplateNode[], insideBlock: boolean): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
        case 'comment':
          break;
        case 'variable':
          if (insideBlock) break;
          if (CONTEXT_PATH.test(node.path)) this.flag('context_path', node.tag, node.pos);
          else if (!SUPPORTED_VARIABLE.test(node.path)) this.flag('syntax', node.tag, node.pos, `"${node.path}" is not a supported variable name`);
          else this.recordVariable(node.path, node.fallback);
          break;
        case 'block':
          this.flag(blockReasonCode(node), node.tag, node.pos);
          // Nested blocks, helpers and partials are still reported: each needs rewriting.
          this.visit(node.children, true);
          this.visit(node.inverse, true);
          break;
        case 'helper':
          this.flag('helper', node.tag, node.pos, node.params.includes('(') ? 'uses a subexpression' : undefined);
          break;
        case 'partial':
          this.flag('partial', node.tag, node.pos);
          break;
        case 'raw':
          this.flag('raw_block', node.tag, node.pos);
          break;
        case 'else':
          this.flag('syntax', node.tag, node.pos, 'else outside of any block');
          break;
      }
    }
  }

  private recordVariable(name: string, fallback: string | null): void {
    const known = this.variables.get(name);
    if (!known) this.variables.set(name, { name, fallback });
    else if (known.fallback === null && fallback !== null) known.fallback = fallback;
  }
}

function blockReasonCode(block: Extract<TemplateNode, { kind: 'block' }>): ReviewReasonCode {
  if (block.partialBlock) return 'partial';
  if (block.inverted) return 'inverse_section';
  if (block.helper === 'each') return 'loop';
  if (block.helper === 'if' || block.helper === 'unless') return 'conditional';
  return 'block_helper';
}

/**
 * Reviews several fields of one template (e.g. `{ subject, html, text }`) at once.
 * Missing fields (null/undefined) are skipped; reasons come in field order, then position.
 */
export function reviewTemplate(fields: Record<string, string | null | undefined>): TemplateReview {
  const sortable: SortableReason[] = [];
  const variables = new Map<string, TemplateVariable>();
  Object.entries(fields).forEach(([field, source], fieldIndex) => {
    if (source === null || source === undefined) return;
    const { nodes, issues } = parseTemplate(source);
    const reviewer = new FieldReviewer(field, fieldIndex, sortable, variables);
    reviewer.visit(nodes, false);
    for (const issue of issues) reviewer.flagIssue(issue);
  });
  // Array.prototype.sort is stable, so a construct's own reason stays ahead of its syntax issue.
  sortable.sort((a, b) => a.fieldIndex - b.fieldIndex || a.offset - b.offset);
  const reasons = sortable.map((entry) => entry.reason);
  return { needsReview: reasons.length > 0, reasons, variables: [...variables.values()] };
}
