import type { CheckoutStepResolvers } from './../types.generated.js';

/** `call`, `status` and `id` are set by the saga (src/checkout/place-order.ts). */
export const CheckoutStep: CheckoutStepResolvers = {};
