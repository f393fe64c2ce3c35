import type { PlaceOrderErrorResolvers } from './../types.generated.js';

/** `code` and `message` are set by the saga (src/writes/outcome.ts). */
export const PlaceOrderError: PlaceOrderErrorResolvers = {};
