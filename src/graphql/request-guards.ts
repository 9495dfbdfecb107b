import { GraphQLError, Kind, getOperationAST, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AppError } from '../errors/app-error.js';
import { parseWithinLimits, type DocumentLimits } from './document-limits.js';
import { checkVariables, withoutSuggestions, withoutValues } from './variable-guard.js';
import type { GraphQLContext } from './context.js';

export interface RequestGuardOptions {
  limits: DocumentLimits;
  /** Production: no "Did you mean" hints, no introspection without a key. */
  production: boolean;
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'bad_request', http: { status: 400 } } });
}

/** Whether the operation asks for `__schema` or `__type` at its root (directly or via fragments). */
function introspects(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation) return false;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])),
  );
  const seen = new Set<string>();
  const pending = [...operation.selectionSet.selections];
  while (pending.length) {
    const selection = pending.pop()!;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__schema' || selection.name.value === '__type') return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      pending.push(...selection.selectionSet.selections);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      pending.push(...(fragments.get(selection.name.value)?.selections ?? []));
    }
  }
  return false;
}

/** What must hold before an operation executes, on HTTP and WebSocket alike. */
function refusal(args: ExecutionArgs, production: boolean): GraphQLError[] {
  const errors = checkVariables(args.schema, args.document, args.operationName, args.variableValues);
  if (errors.length) return errors;
  const ctx = args.contextValue as GraphQLContext;
  if (production && !ctx.auth && introspects(args.document, args.operationName)) {
    return [new AppError('unauthorized', 'Introspection needs an API key')];
  }
  return [];
}

/**
 * The request-level defences of the GraphQL endpoint, as one envelop plugin so HTTP (GET and
 * POST) and graphql-ws get the same: parse-time size limits before validation, JSON in query
 * strings read safely, variables checked and described without echoing them, no schema hints
 * or introspection for strangers in production, and every validation failure a 400.
 */
export function useRequestGuards(options: RequestGuardOptions): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (err) {
          // GET's `variables`/`extensions` are JSON.parse'd by yoga without a guard.
          if (err instanceof SyntaxError) throw badRequest('variables and extensions must be valid JSON');
          throw err;
        }
      });
    },
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => parseWithinLimits(source, parseOptions, options.limits));
    },
    onValidate: () => ({ valid, result, setResult }) => {
      if (valid) return;
      setResult(
        (result as GraphQLError[]).map((error) => {
          const message = withoutValues(options.production ? withoutSuggestions(error.message) : error.message);
          const extensions = { ...error.extensions, code: error.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED' };
          // application/json would otherwise answer 200 for an invalid operation.
          extensions.http = { ...(extensions.http as object), spec: false, status: 400 };
          return new GraphQLError(message, { nodes: error.nodes, extensions });
        }),
      );
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = refusal(args, options.production);
      if (errors.length) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = refusal(args, options.production);
      if (errors.length) setResultAndStopExecution({ errors });
    },
  };
}
