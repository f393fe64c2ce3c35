import { listSizeOutOfRange } from '../errors/public-errors.js';

/**
 * Checks a list-size argument such as `first`: a count from 0 to `max`. Out of range is the
 * client's mistake, so it gets BAD_USER_INPUT with the bounds, not a backend's 400.
 */
export function boundedCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw listSizeOutOfRange(name, max, value);
  }
  return value;
}
