/**
 * The error a masked one replaced, kept on the masked error itself: under a symbol and not
 * enumerable, so it is never serialized (GraphQLError's toJSON lists message, locations, path
 * and extensions only, and a spread or JSON.stringify skips it too). The mask (edge) writes it,
 * the error log (observability) reads it: a leaf both may import.
 */
const MASKED_ORIGINAL = Symbol('bff.maskedOriginal');

/** Keeps `original` on `masked`, for the server's log only. */
export function rememberMaskedOriginal(masked: Error, original: Error): void {
  Object.defineProperty(masked, MASKED_ORIGINAL, { value: original });
}

/** The error a masked one replaced, for the server's log (the client never sees it). */
export function originalOfMasked(masked: unknown): Error | undefined {
  return masked instanceof Error ? (masked as Error & { [MASKED_ORIGINAL]?: Error })[MASKED_ORIGINAL] : undefined;
}
