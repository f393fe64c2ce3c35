import type { MoneyResolvers } from './../types.generated.js';

// Money is passed through as the backends send it: { amount: decimal string, currency }.
export const Money: MoneyResolvers = {};
