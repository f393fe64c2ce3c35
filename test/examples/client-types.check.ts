/**
 * Compiled by `npm run typecheck`, never run: the generated documents make the example client
 * refuse, at compile time, what the BFF would refuse at run time. Each `@ts-expect-error` line
 * must fail to compile, or tsc reports the directive as unused.
 */
import { createClient } from '../../examples/web/src/client.js';
import { placeOrder, productListing, productPage, viewerOrders } from '../../examples/web/src/operations.js';
const execute = createClient({ url: 'http://bff.test/graphql' });
void execute(productListing);
void execute(productListing, {});
void execute(productListing, { first: 2 });
void execute(viewerOrders);
// @ts-expect-error required variables
void execute(productPage);
// @ts-expect-error wrong variable type
void execute(productPage, { id: 7 });
// @ts-expect-error unknown variable
void execute(productPage, { id: '7', nope: 1 });
// @ts-expect-error no variables allowed
void execute(viewerOrders, { a: 1 });
// @ts-expect-error input required
void execute(placeOrder, {});
export async function resultIsTyped() {
  const r = await execute(productPage, { id: '7' });
  const name: string | undefined = r.data?.product?.name;
  // @ts-expect-error no such field
  void r.data?.product?.nope;
  return name;
}
