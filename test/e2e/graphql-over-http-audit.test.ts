import { afterAll, beforeAll, describe } from 'vitest';
import { itPassesTheGraphQLOverHttpAudits } from '../helpers/audit.js';
import { startStack, type Stack } from '../helpers/stack.js';

/** graphql-http's conformance audits of the GraphQL-over-HTTP spec, against the real server. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ http: true });
});
afterAll(() => stack.close());

describe('GraphQL over HTTP audit', () => {
  itPassesTheGraphQLOverHttpAudits(() => `${stack.http!.url}/graphql`);
});
