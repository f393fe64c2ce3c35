import type { CheckoutStepResolvers } from './../types.generated.js';

/** `call`, `status` and `id` are set by the saga (src/writes/place-order.ts). */
export const CheckoutStep: CheckoutStepResolvers = {};
