/**
 * Tokenizer + parser for imported email templates (Resend today, SendGrid/Handlebars later).
 *
 * It understands the full Handlebars tag syntax well enough to build a tree, so that the
 * reviewer can tell apart what our renderer supports (text, `{{NAME}}`, `{{{NAME}}}`,
 * `{{NAME|fallback}}`, comments) from what it cannot render the same way (blocks, partials,
 * helpers, ...). It never throws: malformed input is recovered from and reported as issues.
 *
 * Positions are 1-based lines and columns; columns count UTF-16 code units (like JS string
 * indices and most editors), so an emoji counts as 2. `\n`, `\r\n` and a lone `\r` end a line.
 */

export interface Position { line: number; column: number; offset: number }

/** How the tag was opened: `{{…}}`, `{{{…}}}` or the raw-block form `{{{{…}}}}`. */
export type TagForm = 'double' | 'triple' | 'raw';
/** What the first character(s) of a tag body say it is. `plain` = variable or helper call. */
export type TagSigil = '#' | '^' | '/' | '>' | '!' | '&' | 'else' | 'plain';

export type Token =
  | { type: 'text'; value: string; pos: Position }
  /** `body` is the tag content without braces, `~` and sigil; `text` is the tag as written. */
  | { type: 'tag'; form: TagForm; sigil: TagSigil; body: string; text: string; pos: Position }
  /** `{{{{name}}}}…{{{{/name}}}}`: the content is literal, Handlebars does not parse it. */
  | { type: 'raw'; name: string; content: string; text: string; pos: Position; closePos: Position | null };

/** Every node except text and comments carries `tag`: the opening tag exactly as written. */
export type TemplateNode =
  | { kind: 'text'; value: string; pos: Position }
  /** `escaped` is false for `{{{x}}}` and `{{& x}}`; `fallback` is Resend's `{{x|fallback}}` text, verbatim. */
  | { kind: 'variable'; path: string; fallback: string | null; escaped: boolean; tag: string; pos: Position }
  /** `{{#helper params}}children{{else}}inverse{{/helper}}`; `inverted` for `{{^x}}`, `partialBlock` for `{{#> x}}`. */
  | {
      kind: 'block'; helper: string; params: string; inverted: boolean; partialBlock: boolean;
      children: TemplateNode[]; inverse: TemplateNode[]; tag: string; pos: Position; closePos: Position | null;
    }
  /** A helper call with arguments, hash arguments or subexpressions: `{{formatDate date "YYYY"}}`. */
  | { kind: 'helper'; name: string; params: string; tag: string; pos: Position }
  | { kind: 'partial'; name: string; tag: string; pos: Position }
  | { kind: 'raw'; name: string; content: string; tag: string; pos: Position }
  | { kind: 'comment'; pos: Position }
  /** Only appears in the tree when outside any block; inside a block it switches to `inverse`. */
  | { kind: 'else'; tag: string; pos: Position };

export type BlockNode = Extract<TemplateNode, { kind: 'block' }>;

export interface ParseIssue {
  code: 'unterminated_tag' | 'unexpected_close' | 'unclosed_block' | 'mismatched_close' | 'empty_tag';
  message: string;
  /** The offending source text as written (for unterminated tags: up to the end of the line). */
  text: string;
  pos: Position;
}

/** Turns offsets into line/column. Offsets must be asked for in non-decreasing order (O(n) total). */
class PositionTracker {
  private line = 1;
  private column = 1;
  private offset = 0;
  constructor(private readonly source: string) {}

  at(offset: number): Position {
    for (; this.offset < offset; this.offset++) {
      const code = this.source.charCodeAt(this.offset);
      const isLineBreak = code === 10 || (code === 13 && this.source.charCodeAt(this.offset + 1) !== 10);
      if (isLineBreak) { this.line++; this.column = 1; } else { this.column++; }
    }
    return { line: this.line, column: this.column, offset };
  }
}

type ScanResult =
  | { ok: true; form: TagForm; sigil: TagSigil; body: string; end: number }
  | { ok: false; form: TagForm; resumeAt: number };

const CLOSERS: Record<TagForm, string> = { double: '}}', triple: '}}}', raw: '}}}}' };

/** Scans one tag starting at `open` (which points at `{{`). */
function scanTag(source: string, open: number): ScanResult {
  let braces = 0;
  while (source[open + braces] === '{') braces++;
  let form: TagForm = braces >= 4 ? 'raw' : braces === 3 ? 'triple' : 'double';
  let p = open + (form === 'raw' ? 4 : form === 'triple' ? 3 : 2);
  if (source[p] === '~') p++;
  if (form === 'double' && source[p] === '{') { form = 'triple'; p++; } // `{{~{x}~}}`

  if (form === 'double' && source[p] === '!') {
    // Comments may contain `{{` and (the long form) `}}`, so they get their own terminator search.
    const terminator = source.startsWith('!--', p) ? /--~?\}\}/g : /\}\}/g;
    terminator.lastIndex = p;
    const match = terminator.exec(source);
    if (!match) return { ok: false, form, resumeAt: source.length };
    return { ok: true, form, sigil: '!', body: source.slice(p + 1, match.index), end: match.index + match[0].length };
  }

  let seenPipe = false; // after `|` comes Resend fallback text, where quotes are just apostrophes
  for (let j = p; j < source.length; j++) {
    const ch = source[j];
    if (source.startsWith('{{', j)) return { ok: false, form, resumeAt: j }; // a new tag starts: this one never closed
    if (ch === '|') seenPipe = true;
    if ((ch === '"' || ch === "'") && !seenPipe && /[\s(=]/.test(source[j - 1] ?? '')) {
      // Handlebars string literal argument: `}}` inside it does not close the tag.
      const closingQuote = source.indexOf(ch, j + 1);
      if (closingQuote > 0) { j = closingQuote; continue; }
    }
    const closerLength = source.startsWith(CLOSERS[form], j) ? CLOSERS[form].length
      : form === 'triple' && source.startsWith('}~}}', j) ? 4 : 0;
    if (closerLength > 0) {
      const body = source.slice(p, j).replace(/~$/, '');
      return { ok: true, form, ...classifySigil(form, body), end: j + closerLength };
    }
  }
  return { ok: false, form, resumeAt: source.length };
}

function classifySigil(form: TagForm, rawBody: string): { sigil: TagSigil; body: string } {
  const body = rawBody.trimStart();
  if (form === 'triple') return { sigil: 'plain', body }; // sigils mean nothing inside `{{{…}}}`
  if (form === 'raw') return body.startsWith('/') ? { sigil: '/', body: body.slice(1) } : { sigil: '#', body };
  const first = body[0];
  if (first === '^' && body.slice(1).trim() === '') return { sigil: 'else', body: '' }; // `{{^}}` is an else
  if (first === '#' || first === '^' || first === '/' || first === '>' || first === '&') {
    return { sigil: first, body: body.slice(1) };
  }
  if (/^else(\s|$)/.test(body)) return { sigil: 'else', body: body.slice(4) };
  return { sigil: 'plain', body };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const firstWord = (text: string) => text.trim().split(/\s+/)[0] ?? '';
const afterFirstWord = (text: string) => text.trim().slice(firstWord(text).length).trim();
const OPENER_LENGTH: Record<TagForm, number> = { double: 2, triple: 3, raw: 4 };

/** Splits the source into text, tag and raw-block tokens. */
export function tokenize(source: string): { tokens: Token[]; issues: ParseIssue[] } {
  const tokens: Token[] = [];
  const issues: ParseIssue[] = [];
  const tracker = new PositionTracker(source);
  let textStart = 0;
  let textStartPos = tracker.at(0);
  let searchFrom = 0;
  const flushText = (end: number) => {
    if (end > textStart) tokens.push({ type: 'text', value: source.slice(textStart, end), pos: textStartPos });
  };
  const resumeTextAt = (offset: number) => { textStart = offset; searchFrom = offset; textStartPos = tracker.at(offset); };

  for (let open = source.indexOf('{{', searchFrom); open >= 0; open = source.indexOf('{{', searchFrom)) {
    const scan = scanTag(source, open);
    if (!scan.ok) {
      // Recover: the opener stays text and scanning resumes where the next tag may start.
      const lineEnd = source.slice(open, scan.resumeAt).search(/[\r\n]/);
      const text = source.slice(open, lineEnd < 0 ? scan.resumeAt : open + lineEnd);
      const closer = CLOSERS[scan.form];
      issues.push({ code: 'unterminated_tag', message: `tag is never closed (expected ${closer})`, text, pos: tracker.at(open) });
      searchFrom = Math.max(scan.resumeAt, open + OPENER_LENGTH[scan.form]);
      continue;
    }
    flushText(open);
    const pos = tracker.at(open);
    const text = source.slice(open, scan.end);
    if (scan.form === 'raw' && scan.sigil === '#') {
      // Raw block: everything up to `{{{{/name}}}}` is literal content, not tags.
      const name = firstWord(scan.body);
      const close = new RegExp(`\\{\\{\\{\\{/\\s*${escapeRegExp(name)}\\s*\\}\\}\\}\\}`, 'g');
      close.lastIndex = scan.end;
      const match = close.exec(source);
      const contentEnd = match ? match.index : source.length;
      const closePos = match ? tracker.at(match.index) : null;
      if (!match) issues.push({ code: 'unclosed_block', message: `raw block is never closed (expected {{{{/${name}}}}})`, text, pos });
      tokens.push({ type: 'raw', name, content: source.slice(scan.end, contentEnd), text, pos, closePos });
      resumeTextAt(match ? match.index + match[0].length : source.length);
      continue;
    }
    tokens.push({ type: 'tag', form: scan.form, sigil: scan.sigil, body: scan.body, text, pos });
    resumeTextAt(scan.end);
  }
  flushText(source.length);
  return { tokens, issues };
}

/** `{{x}}`, `{{x|fallback}}` → variable; anything with arguments, hashes or subexpressions → helper. */
function expressionNode(body: string, escaped: boolean, tag: string, pos: Position): TemplateNode | null {
  const pipe = body.indexOf('|');
  const head = (pipe < 0 ? body : body.slice(0, pipe)).trim();
  if (head === '') return null;
  if (/^[^\s()"'=]+$/.test(head)) {
    return { kind: 'variable', path: head, fallback: pipe < 0 ? null : body.slice(pipe + 1), escaped, tag, pos };
  }
  return { kind: 'helper', name: firstWord(body), params: afterFirstWord(body), tag, pos };
}

const describeOpen = (block: BlockNode) =>
  `${block.tag} opened at line ${block.pos.line}, column ${block.pos.column}`;

/** Parses a template into a tree. Never throws; problems are returned as `issues`. */
export function parseTemplate(source: string): { nodes: TemplateNode[]; issues: ParseIssue[] } {
  const { tokens, issues } = tokenize(source);
  const nodes: TemplateNode[] = [];
  const open: { block: BlockNode; inInverse: boolean }[] = [];
  const siblings = (): TemplateNode[] => {
    const top = open.at(-1);
    if (!top) return nodes;
    return top.inInverse ? top.block.inverse : top.block.children;
  };
  const reportUnclosed = (block: BlockNode) => issues.push({
    code: 'unclosed_block', message: `block is never closed (expected {{/${block.helper}}})`, text: block.tag, pos: block.pos,
  });

  for (const token of tokens) {
    if (token.type === 'text') { siblings().push({ kind: 'text', value: token.value, pos: token.pos }); continue; }
    if (token.type === 'raw') {
      siblings().push({ kind: 'raw', name: token.name, content: token.content, tag: token.text, pos: token.pos });
      continue;
    }
    const { sigil, body, text: tag, pos } = token;
    const emptyTag = () => issues.push({ code: 'empty_tag', message: 'tag has no name', text: tag, pos });

    if (sigil === '!') { siblings().push({ kind: 'comment', pos }); continue; }
    if (sigil === 'else') {
      const top = open.at(-1);
      if (top) top.inInverse = true; // `{{else if x}}` chains also land in the inverse branch
      else nodes.push({ kind: 'else', tag, pos });
      continue;
    }
    if (sigil === '>') {
      const name = firstWord(body);
      if (name === '') emptyTag(); else siblings().push({ kind: 'partial', name, tag, pos });
      continue;
    }
    if (sigil === '#' || sigil === '^') {
      const partialBlock = sigil === '#' && body.startsWith('>');
      const expression = body.replace(/^[>*]/, ''); // `{{#> layout}}` partial block, `{{#*inline}}` decorator
      const helper = firstWord(expression);
      if (helper === '') { emptyTag(); continue; }
      const block: BlockNode = {
        kind: 'block', helper, params: afterFirstWord(expression), inverted: sigil === '^', partialBlock,
        children: [], inverse: [], tag, pos, closePos: null,
      };
      siblings().push(block);
      open.push({ block, inInverse: false });
      continue;
    }
    if (sigil === '/') {
      const name = firstWord(body);
      const matchIndex = open.findLastIndex((entry) => entry.block.helper === name);
      if (open.length === 0) {
        issues.push({ code: 'unexpected_close', message: 'closes a block that was never opened', text: tag, pos });
      } else if (matchIndex >= 0) {
        // Blocks opened after the matching one were never closed; report them and close them here.
        for (const entry of open.splice(matchIndex + 1).reverse()) reportUnclosed(entry.block);
        open.pop()!.block.closePos = pos;
      } else {
        // Handlebars rejects this; we assume it was meant to close the innermost block.
        const innermost = open.pop()!.block;
        innermost.closePos = pos;
        issues.push({ code: 'mismatched_close', message: `expected {{/${innermost.helper}}} to close ${describeOpen(innermost)}`, text: tag, pos });
      }
      continue;
    }
    const node = expressionNode(body, token.form === 'double' && sigil !== '&', tag, pos);
    if (node) siblings().push(node); else emptyTag();
  }
  for (const entry of open) reportUnclosed(entry.block);
  return { nodes, issues };
}
