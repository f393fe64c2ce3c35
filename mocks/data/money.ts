import type { Money } from './types.js';

/**
 * Money is computed in integer cents and only formatted at the edge, so a
 * total is always the exact sum of its lines ("0.10" + "0.20" is "0.30", not
 * 0.30000000000000004).
 */
export function money(cents: number): Money {
  if (!Number.isSafeInteger(cents) || cents < 0) {
    throw new RangeError(`money() takes a non-negative integer number of cents, got ${cents}`);
  }
  const units = Math.floor(cents / 100);
  const rest = cents % 100;
  return { amount: `${units}.${rest < 10 ? '0' : ''}${rest}`, currency: 'EUR' };
}
