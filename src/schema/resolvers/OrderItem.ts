import type { OrderItemResolvers } from './../types.generated.js';

export const OrderItem: OrderItemResolvers = {
  product: (item, _args, { loaders }) => loaders.product.load(item.productId),
};
