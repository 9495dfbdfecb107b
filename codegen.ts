import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents (TypedDocumentNode) for the REST shim's, the tests' and the README's operations. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['src/**/*.graphql', 'test/**/*.graphql', 'docs/graphql/*.graphql'],
  generates: {
    'src/graphql/generated/operations.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>', ID: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
  },
  hooks: {},
};

export default config;
