import type { PlaceOrderErrorResolvers } from './../types.generated.js';

/** `code` and `message` are set by the saga (src/checkout/outcome.ts). */
export const PlaceOrderError: PlaceOrderErrorResolvers = {};
