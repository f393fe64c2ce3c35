import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/** graphql-http's conformance audits of the GraphQL-over-HTTP spec, against the real server. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ http: true });
});
afterAll(() => stack.close());

describe('GraphQL over HTTP audit', () => {
  const audits = serverAudits({ url: () => `${stack.http!.url}/graphql` });
  it('has audits to run', () => expect(audits.length).toBeGreaterThan(50));
  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status === 'error' ? `${result.reason}` : 'not in error').toBe('not in error');
    });
  }
});
