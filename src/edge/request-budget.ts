/** A client may ask for less time than the default budget (never more) with this header. */
export const REQUEST_TIMEOUT_HEADER = 'x-request-timeout-ms';

/**
 * The request's time budget: the client's `x-request-timeout-ms` when it is a positive number
 * below `defaultMs`, else `defaultMs`. Part of the edge (what a client may ask for), read by the
 * context, so the edge's CORS list and the context name the header from one place.
 */
export function requestBudgetMs(request: Request, defaultMs: number): number {
  const asked = Number(request.headers.get(REQUEST_TIMEOUT_HEADER));
  return Number.isFinite(asked) && asked > 0 ? Math.min(asked, defaultMs) : defaultMs;
}
