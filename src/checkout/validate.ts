import { invalidPlaceOrderInput } from '../errors/public-errors.js';

export const MAX_LINES = 100;
export const MAX_QUANTITY = 1000;
/** Visible ASCII: it travels in HTTP headers (`idempotency-key`) and log lines as it is. */
const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
}

/** What a client asks the checkout for, as it asked (the schema's PlaceOrderInput has this shape). */
export interface PlaceOrderRequest {
  readonly idempotencyKey: string;
  readonly items: readonly OrderLine[];
}

/**
 * Checks what the schema cannot say. A malformed input is the client's bug, not a customer's
 * situation, so it is a GraphQL error (`BAD_USER_INPUT`) naming the field and the value, and
 * nothing is called.
 */
export function validatePlaceOrder(input: PlaceOrderRequest): { items: OrderLine[]; idempotencyKey: string } {
  const problems: string[] = [];
  if (!KEY_PATTERN.test(input.idempotencyKey)) {
    problems.push(`idempotencyKey must be 1 to 128 visible ASCII characters (a UUID, say), got ${JSON.stringify(input.idempotencyKey.slice(0, 140))}`);
  }
  if (input.items.length < 1 || input.items.length > MAX_LINES) {
    problems.push(`items must hold 1 to ${MAX_LINES} lines, got ${input.items.length}`);
  }
  input.items.forEach(({ productId, quantity }, i) => {
    if (productId.trim() === '') problems.push(`items[${i}].productId must not be empty`);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      problems.push(`items[${i}].quantity must be an integer from 1 to ${MAX_QUANTITY}, got ${quantity}`);
    }
  });
  if (problems.length > 0) {
    throw invalidPlaceOrderInput(problems);
  }
  return { items: input.items.map(({ productId, quantity }) => ({ productId, quantity })), idempotencyKey: input.idempotencyKey };
}
