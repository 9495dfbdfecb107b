import {
  GraphQLError,
  coerceInputValue,
  getOperationAST,
  isInputType,
  isNonNullType,
  print,
  typeFromAST,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { unstorableText } from './document-limits.js';
import { quoteInput } from '../errors/message-text.js';

/** Variables nested deeper than this are refused before anything walks them recursively. */
const MAX_VARIABLE_DEPTH = 32;

function inputError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'validation_error', http: { spec: false, status: 400 } } });
}

/** Drops "Did you mean …?" hints: in production they disclose the schema to anyone. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '').trim();
}

/**
 * A validation message without the literal it quotes: graphql-js prints the offending value
 * ("Expected value of type "String", found ["re_…"]"), which may be a secret.
 */
export function withoutValues(message: string): string {
  return message
    .replace(/(Expected value of type "[^"]+"), found [\s\S]*$/, '$1')
    .replace(/^((?:Enum "\w+"|[A-Za-z_]\w*) cannot represent [^:]*):[\s\S]*$/, '$1');
}

/**
 * The reason of a coercion failure without the offending value: graphql-js prints the value
 * ("String cannot represent a non string value: …"), and that value may be a credential.
 */
function reasonWithoutValue(message: string): string {
  const scalar = /^([A-Za-z_]\w* cannot represent [^:]*):/.exec(message);
  if (scalar) return scalar[1]!;
  const enumValue = /^Value [\s\S]* does not exist in "(\w+)" enum\./.exec(message);
  if (enumValue) return `not a value of the ${enumValue[1]} enum`;
  const field = /^Field "([\s\S]*)" is not defined by type "(\w+)"\./.exec(message);
  if (field) return `field ${quoteInput(field[1])} is not defined by type "${field[2]}"`;
  return withoutSuggestions(message).slice(0, 200);
}

function pathText(variable: string, path: readonly (string | number)[]): string {
  return variable + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** Refuses NUL characters anywhere and nesting beyond the limit, without recursion. */
function scanRawValues(inputs: Record<string, unknown>): GraphQLError | null {
  const stack: { value: unknown; depth: number }[] = [{ value: inputs, depth: 0 }];
  while (stack.length) {
    const { value, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) return inputError(problem);
    } else if (value && typeof value === 'object') {
      if (depth > MAX_VARIABLE_DEPTH) return inputError(`Variables are nested more than ${MAX_VARIABLE_DEPTH} levels deep`);
      for (const [key, child] of Object.entries(value)) {
        const problem = unstorableText(key);
        if (problem) return inputError(problem);
        stack.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return null;
}

/**
 * Coerces the operation's variables the way execution will, but words each failure itself:
 * which variable, where inside it, what was expected — never the value that was sent.
 */
export function checkVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawInputs: unknown,
): GraphQLError[] {
  if (rawInputs !== undefined && rawInputs !== null && (typeof rawInputs !== 'object' || Array.isArray(rawInputs))) {
    return [inputError('variables must be a JSON object')];
  }
  const inputs = (rawInputs ?? {}) as Record<string, unknown>;
  const scanned = scanRawValues(inputs);
  if (scanned) return [scanned];
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const errors: GraphQLError[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type)) continue; // validation has reported it
    const value = inputs[name];
    if (value === undefined) {
      if (!definition.defaultValue && isNonNullType(type)) {
        errors.push(inputError(`Variable "$${name}" of required type "${print(definition.type)}" was not provided`));
      }
      continue;
    }
    if (value === null && isNonNullType(type)) {
      errors.push(inputError(`Variable "$${name}" of non-null type "${print(definition.type)}" must not be null`));
      continue;
    }
    coerceInputValue(value, type, (path, _invalid, error) => {
      const at = path.length ? ` at "${pathText(name, path)}"` : '';
      errors.push(inputError(`Variable "$${name}" got an invalid value${at}: ${reasonWithoutValue(error.message)}`));
    });
  }
  return errors;
}
