// @ts-check
import js from '@eslint/js';
import graphql from '@graphql-eslint/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * `npm run lint`. TypeScript: ESLint's and typescript-eslint's recommended rules, plus the few
 * type-aware rules that catch real bugs in an async server (a promise nobody awaits, an async
 * callback where a sync one is expected). GraphQL: the SDL in `schema/` and the frontend
 * example's operations (`graphql()` calls in examples/web) with graphql-eslint's recommended
 * rules, each checked against the merged schema. Formatting is prettier's job, not ESLint's.
 */
const SCHEMA = 'schema/**/*.graphql';
const OPERATIONS = 'examples/web/src/**/*.ts';

export default tseslint.config(
  {
    ignores: ['dist/', 'coverage/', '.bench/', 'stubs/', 'src/schema/*.generated.ts', 'examples/web/src/gql/'],
  },

  // TypeScript (and this file).
  {
    files: ['**/*.{ts,js}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware: what the compiler lets through and an async server pays for.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // `import type` for types, as verbatimModuleSyntax requires anyway (this makes it fixable).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // `_`-prefixed names are deliberately unused (a handler's unused argument, a destructured rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests and benchmarks read JSON answers of any shape; `any` there is the honest type.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },

  // GraphQL in TypeScript: the processor lifts each `graphql(...)` document into a virtual
  // `.graphql` file that the operations block below lints.
  { files: [OPERATIONS], processor: graphql.processor },

  // The schema.
  {
    files: [SCHEMA],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: SCHEMA } } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      // One-line descriptions are "inline", longer ones """block""": the SDL's own convention.
      '@graphql-eslint/description-style': 'off',
      // An `id` lets a client cache normalise an entity. Values (money, a page's cursor, a
      // stock level, an order line) and a mutation's payload are not entities: listed here,
      // so a new type without an id is a decision, not an accident.
      '@graphql-eslint/strict-id-in-types': [
        'error',
        { exceptions: { types: ['Money', 'PageInfo', 'Stock', 'OrderItem', 'CheckoutStep', 'PlaceOrderError'], suffixes: ['Payload', 'Connection'] } },
      ],
    },
  },

  // The operations a frontend sends.
  {
    files: ['examples/web/src/**/*.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: SCHEMA, documents: [OPERATIONS, '!examples/web/src/gql/**'] } } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/operations-recommended'].rules,
      // The edge refuses documents deeper than MAX_DEPTH (10); the recommended 7 is stricter
      // than the BFF without a reason.
      '@graphql-eslint/selection-set-depth': ['error', { maxDepth: 10 }],
    },
  },
);
