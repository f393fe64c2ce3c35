/**
 * The mocks' own counters (`/__stats`): how many calls the BFF made to each backend and how
 * many it had open at once. Counted at the backends, so they cannot flatter the BFF.
 */
import type { ServiceName } from '../src/config.js';

export interface MockStats {
  /** `"<METHOD> <route>"` → calls since the last reset. */
  requests: Record<string, number>;
  inFlight: number;
  peakInFlight: number;
  /** Calls whose client (the BFF) hung up before the answer was finished. */
  aborted: number;
}

type Urls = Readonly<Record<ServiceName, string>>;

const CONTROL_TIMEOUT_MS = 2000;

async function each<T>(urls: Urls, fn: (url: string) => Promise<T>): Promise<Record<ServiceName, T>> {
  const entries = await Promise.all(Object.entries(urls).map(async ([name, url]) => [name, await fn(url)] as const));
  return Object.fromEntries(entries) as Record<ServiceName, T>;
}

export async function resetStats(urls: Urls): Promise<void> {
  await each(urls, async (url) => {
    const response = await fetch(`${url}/__stats/reset`, { method: 'POST', signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS) });
    if (response.status !== 204) throw new Error(`POST ${url}/__stats/reset answered ${response.status}`);
  });
}

export async function readStats(urls: Urls): Promise<Record<ServiceName, MockStats>> {
  return each(urls, async (url) => {
    const response = await fetch(`${url}/__stats`, { signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`GET ${url}/__stats answered ${response.status}`);
    const body = (await response.json()) as MockStats;
    return { requests: body.requests, inFlight: body.inFlight, peakInFlight: body.peakInFlight, aborted: body.aborted ?? 0 };
  });
}

/**
 * Waits (bounded) until no backend has a call open, so a reset does not happen while the
 * previous phase's calls are still arriving, and a read sees every call of the phase.
 * Returns the stats read last.
 */
export async function waitIdle(urls: Urls, timeoutMs = 5000): Promise<Record<ServiceName, MockStats>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await readStats(urls);
    if (Object.values(stats).every((s) => s.inFlight === 0) || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Calls per service (all routes summed). */
export function callsByService(stats: Record<ServiceName, MockStats>): Record<ServiceName, number> {
  return Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, Object.values(s.requests).reduce((sum, n) => sum + n, 0)])) as Record<
    ServiceName,
    number
  >;
}
