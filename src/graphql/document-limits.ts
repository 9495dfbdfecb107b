import {
  GraphQLError,
  Kind,
  parse,
  type ASTNode,
  type DocumentNode,
  type ParseOptions,
  type SelectionSetNode,
  type Source,
} from 'graphql';

export interface DocumentLimits {
  maxTokens: number;
  maxFields: number;
  maxAliases: number;
  maxDirectives: number;
  maxDepth: number;
}

/** Object and list literals nested deeper than this are refused (no input type needs more). */
const MAX_VALUE_DEPTH = 16;

/** PostgreSQL text cannot hold U+0000 (nor a lone UTF-16 surrogate), and no argument has a use for them. */
export const NUL_MESSAGE = 'String values must not contain the NUL character (U+0000)';
export const SURROGATE_MESSAGE = 'String values must be valid Unicode (a lone surrogate such as \\ud800 is not)';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string argument cannot be taken, or null. */
export function unstorableText(value: string): string | null {
  if (value.includes('\u0000')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(value)) return SURROGATE_MESSAGE;
  return null;
}

function tooLarge(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'bad_request', limit: true, http: { status: 400 } } });
}

/**
 * Parses with a token budget and counts fields, aliases, directives and depth in one walk over
 * the document, before any validation rule runs: validation of a large document is superlinear
 * (overlapping-field checks), so a 30 kB query must be refused here, in microseconds.
 */
export function parseWithinLimits(
  source: string | Source,
  options: ParseOptions | undefined,
  limits: DocumentLimits,
): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(source, { ...options, maxTokens: limits.maxTokens });
  } catch (err) {
    if (err instanceof RangeError) throw tooLarge('The document is nested too deeply');
    if (err instanceof GraphQLError && /contains more th\w+ \d+ tokens/.test(err.message)) {
      throw tooLarge(`The document has more than ${limits.maxTokens} tokens`);
    }
    throw err;
  }
  assertWithinLimits(document, limits);
  return document;
}

interface Tally {
  fields: number;
  aliases: number;
  directives: number;
}

function assertWithinLimits(document: DocumentNode, limits: DocumentLimits): void {
  const tally: Tally = { fields: 0, aliases: 0, directives: 0 };
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
  }
  countNodes(document, tally, limits);
  const depthOf = fragmentDepths(fragments);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const depth = selectionDepth(definition.selectionSet, depthOf);
    if (depth > limits.maxDepth) throw tooLarge(`The operation's depth is ${depth}; the limit is ${limits.maxDepth}`);
  }
}

/** Every node once (fragments counted where defined), without recursion. */
function countNodes(document: DocumentNode, tally: Tally, limits: DocumentLimits): void {
  const stack: { node: unknown; valueDepth: number }[] = [{ node: document, valueDepth: 0 }];
  while (stack.length) {
    const { node, valueDepth } = stack.pop()!;
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, valueDepth });
      continue;
    }
    if (!node || typeof node !== 'object' || !('kind' in node)) continue;
    const ast = node as ASTNode;
    let depth = valueDepth;
    if (ast.kind === Kind.FIELD) {
      if (++tally.fields > limits.maxFields) throw tooLarge(`The document selects more than ${limits.maxFields} fields`);
      if (ast.alias && ++tally.aliases > limits.maxAliases) throw tooLarge(`The document has more than ${limits.maxAliases} aliases`);
    } else if (ast.kind === Kind.DIRECTIVE) {
      if (++tally.directives > limits.maxDirectives) throw tooLarge(`The document has more than ${limits.maxDirectives} directives`);
    } else if (ast.kind === Kind.STRING && unstorableText(ast.value)) {
      throw new GraphQLError(unstorableText(ast.value)!, { extensions: { code: 'validation_error', limit: true, http: { status: 400 } } });
    } else if (ast.kind === Kind.LIST || ast.kind === Kind.OBJECT) {
      if (++depth > MAX_VALUE_DEPTH) throw tooLarge(`An argument value is nested more than ${MAX_VALUE_DEPTH} levels deep`);
    }
    for (const [key, child] of Object.entries(ast)) {
      if (key !== 'loc' && child && typeof child === 'object') stack.push({ node: child, valueDepth: depth });
    }
  }
}

/** The depth of each fragment, resolved through spreads; a cycle counts as depth 0 (validation reports it). */
function fragmentDepths(fragments: Map<string, SelectionSetNode>): (name: string) => number {
  const known = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    const set = fragments.get(name);
    if (!set || visiting.has(name)) return 0;
    visiting.add(name);
    const depth = selectionDepth(set, depthOf);
    visiting.delete(name);
    known.set(name, depth);
    return depth;
  };
  return depthOf;
}

/** Field levels below a selection set; introspection subtrees are exempt (their shape is fixed). */
function selectionDepth(set: SelectionSetNode, depthOf: (name: string) => number): number {
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + (selection.selectionSet ? selectionDepth(selection.selectionSet, depthOf) : 0));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, depthOf));
    } else {
      deepest = Math.max(deepest, depthOf(selection.name.value));
    }
  }
  return deepest;
}
