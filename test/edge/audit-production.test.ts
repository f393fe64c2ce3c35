import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const audits = serverAudits({ url: () => `${stack.http!.url}/graphql` });
  it('has audits to run', () => expect(audits.length).toBeGreaterThan(50));
  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status === 'error' ? `${result.reason}` : 'not in error').toBe('not in error');
    });
  }
});
