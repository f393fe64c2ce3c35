import type { CheckoutRequest } from '../../../checkout/index.js';
import type { MutationResolvers } from './../../types.generated.js';

/**
 * The saga lives in src/checkout/place-order.ts and takes plain values: this maps the GraphQL
 * context into them. A failed checkout is data (`error`), not a GraphQL error.
 */
export const placeOrder: NonNullable<MutationResolvers['placeOrder']> = (_parent, { input }, ctx) => {
  const request: CheckoutRequest = {
    requestId: ctx.requestId,
    deadline: ctx.deadline,
    logger: ctx.logger,
    viewer: () => ctx.loaders.viewer(),
    // The request's own scope without its signal: the writes outlive a client that hangs up.
    backends: ctx.backends.detached(),
  };
  return ctx.writes.placeOrder(request, input);
};
