import type { MutationResolvers } from './../../types.generated.js';

/** The saga lives in src/writes/place-order.ts; a failed checkout is data (`error`), not a GraphQL error. */
export const placeOrder: NonNullable<MutationResolvers['placeOrder']> = (_parent, { input }, ctx) => ctx.writes.placeOrder(ctx, input);
