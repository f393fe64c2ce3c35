import type { QueryResolvers } from './../../types.generated.js';

/** The orders client sends the bearer token and turns a refusal into UNAUTHENTICATED/FORBIDDEN. */
export const order: NonNullable<QueryResolvers['order']> = (_parent, { id }, { backends }) => backends.orders.getOrder(id);
