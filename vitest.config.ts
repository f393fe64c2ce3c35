import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports" map: Node loads its CommonJS build (and so does yoga), but
    // Vite would pick the ESM build for our sources. Two copies break `instanceof GraphQLError`
    // (every deliberate error turns into "Unexpected error."), so tests use Node's choice.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Every file starts its own mocks and BFF on ephemeral ports, so files run in parallel.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
