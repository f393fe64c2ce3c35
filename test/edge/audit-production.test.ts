import { afterAll, beforeAll, describe } from 'vitest';
import { itPassesTheGraphQLOverHttpAudits } from '../helpers/audit.js';
import type { Stack } from '../helpers/stack.js';
import { startEdgeStack } from './helpers.js';

/**
 * graphql-http's GraphQL-over-HTTP audits against the BFF in production mode, with every edge
 * protection on at its defaults. Introspection is allowed for this run only: some audits send
 * `{ __typename }`-style queries, others introspection.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startEdgeStack({ http: true, env: { NODE_ENV: 'production', LOG_PRETTY: 'false', INTROSPECTION: 'true' } });
});
afterAll(() => stack.close());

describe('GraphQL over HTTP audit, production mode', () => {
  itPassesTheGraphQLOverHttpAudits(() => `${stack.http!.url}/graphql`);
});
