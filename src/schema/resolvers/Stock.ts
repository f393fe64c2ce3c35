import type { StockResolvers } from './../types.generated.js';

export const Stock: StockResolvers = {
  inStock: (stock) => stock.available > 0,
};
