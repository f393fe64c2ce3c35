import type { PlaceOrderPayloadResolvers } from './../types.generated.js';

/** Every field is a property of the saga's result (src/checkout/outcome.ts); `order` is an OrderDto, resolved by Order. */
export const PlaceOrderPayload: PlaceOrderPayloadResolvers = {};
