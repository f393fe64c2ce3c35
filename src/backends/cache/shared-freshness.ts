/**
 * How long a shared cache may serve a response with this `Cache-Control` without asking again:
 * 0 for `private`, `no-store`, `no-cache`, or no freshness given (heuristic freshness does not
 * count: the backend did not say).
 */
export function sharedFreshness(cacheControl: string | undefined): number {
  if (!cacheControl) return 0;
  const directives = new Map<string, string | undefined>();
  for (const part of cacheControl.toLowerCase().split(',')) {
    const [name, value] = part.trim().split('=', 2) as [string, string | undefined];
    if (name) directives.set(name, value?.replace(/^"|"$/g, ''));
  }
  if (['private', 'no-store', 'no-cache'].some((d) => directives.has(d))) return 0;
  const seconds = Number(directives.get('s-maxage') ?? directives.get('max-age'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}
