import { serverAudits } from 'graphql-http';
import { expect, it } from 'vitest';

/**
 * graphql-http's GraphQL-over-HTTP audits as one test each, against the server at `url()`
 * (a function: the server starts in a beforeAll, after the tests are declared). A warning is
 * allowed (the spec's MAY and SHOULD); an error is not.
 */
export function itPassesTheGraphQLOverHttpAudits(url: () => string): void {
  const audits = serverAudits({ url });
  it('has audits to run', () => expect(audits.length).toBeGreaterThan(50));
  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status === 'error' ? `${result.reason}` : 'not in error').toBe('not in error');
    });
  }
}
