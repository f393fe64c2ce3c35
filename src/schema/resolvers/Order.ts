import type { OrderResolvers } from './../types.generated.js';

export const Order: OrderResolvers = {
  customer: (order, _args, { loaders }) => loaders.user.load(order.userId),
};
