import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * A frontend's client, generated with GraphQL Code Generator's client preset: typed documents
 * for the `graphql()` calls in `src/`, and `persisted-documents.json`, the manifest the BFF
 * runs with `TRUSTED_DOCUMENTS` (`{ "<sha256 of the document>": "<document>" }`). Run from the
 * repository root: `npm run codegen:web`; `npm run codegen:web:check` fails when it is stale.
 *
 * The schema is the BFF's SDL. A frontend in its own repository points `schema` at the BFF's
 * published contract instead (`contract/baseline.graphql`, or the BFF's URL in development).
 */
const config: CodegenConfig = {
  schema: 'schema/**/*.graphql',
  documents: ['examples/web/src/**/*.ts', '!examples/web/src/gql/**'],
  // Codegen's own check: a document that does not validate against the schema fails the run.
  ignoreNoDocuments: false,
  generates: {
    'examples/web/src/gql/': {
      preset: 'client',
      presetConfig: {
        // The page renders from its query's result, so there is no component to mask fields from.
        fragmentMasking: false,
        // `embedHashInDocument`: each document carries its hash (`__meta__.hash`) and its text,
        // so the client sends the hash alone where trusted documents are on, the text elsewhere.
        // The hash is bare hex, not the preset's `'sha256'` (which writes `"sha256:<hex>"` keys):
        // the manifest reader of TRUSTED_DOCUMENTS takes bare hex keys only, and bare hex is
        // also what `extensions.persistedQuery.sha256Hash` carries.
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: sha256Hex },
      },
      config: {
        // The strings the client sends and hashes; no `graphql` runtime in the browser bundle.
        documentMode: 'string',
        useTypeImports: true,
        // ESM with `.js` in relative imports, as NodeNext (and this repository's tsconfig) wants.
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        scalars: { ID: 'string' },
      },
    },
  },
};

function sha256Hex(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

export default config;
