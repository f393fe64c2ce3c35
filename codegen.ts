import type { CodegenConfig } from '@graphql-codegen/cli';
import { defineConfig } from '@eddeee888/gcg-typescript-resolver-files';

/**
 * The Server Preset (see ../shared/design/style.md): SDL stays in `schema/<domain>/`, all
 * TypeScript in `src/`. It writes resolver stubs once (we fill them in) and regenerates the
 * `*.generated.ts` files, which are never edited by hand; `npm run codegen:check` fails CI
 * when they are stale. Mappers in `src/mappers/<domain>.mappers.ts` tie each backend's DTO
 * to its schema type, so resolvers are typed against what the backends really send.
 */
const config: CodegenConfig = {
  schema: 'schema/**/*.graphql',
  generates: {
    'src/schema': defineConfig({
      mode: 'merged',
      resolverRelativeTargetDir: 'resolvers',
      mergeSchema: false,
      mappersRelativeTargetDir: '../../src/mappers',
      importExtension: '.js',
      typesPluginsConfig: {
        contextType: '../graphql/context.js#Context',
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    }),
  },
};

export default config;
