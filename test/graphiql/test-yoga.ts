import { createRequire } from 'node:module';
import path from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import type { GraphiQLOptions } from 'graphql-yoga';
import { renderOfflineGraphiQL, useOfflineGraphiQL } from '../../src/graphiql/use-offline-graphiql.js';

// Found independently of the code under test, so a wrong version in its URLs shows up.
const require = createRequire(import.meta.url);
const packageJsonPath = require.resolve('@graphql-yoga/graphiql/package.json');
/** The folder whose files the plugin serves. */
export const GRAPHIQL_DIST = path.join(path.dirname(packageJsonPath), 'dist');
/** Where the assets must be served by default: `/graphiql-assets/<installed version>/`. */
export const ASSETS_BASE = `/graphiql-assets/${(require(packageJsonPath) as { version: string }).version}/`;

/**
 * The smallest yoga that shows GraphiQL end to end: a query with an argument to type and run, and
 * an object type with a description to find in the docs explorer. Wired exactly as the BFF does it.
 */
export function createTestYoga(graphiql: GraphiQLOptions = {}) {
  return createYoga({
    schema: createSchema({
      typeDefs: /* GraphQL */ `
        """
        Something the shop sells.
        """
        type Product {
          id: ID!
          name: String!
          priceCents: Int!
        }

        type Query {
          hello(name: String! = "world"): String!
          products: [Product!]!
        }
      `,
      resolvers: {
        Query: {
          hello: (_: unknown, { name }: { name: string }) => `Hello, ${name}!`,
          products: () => [{ id: 'p1', name: 'Offline lamp', priceCents: 1999 }],
        },
      },
    }),
    graphiql,
    plugins: [useOfflineGraphiQL()],
    renderGraphiQL: renderOfflineGraphiQL,
    logging: false,
  });
}
