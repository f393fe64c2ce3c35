import type { Faults } from '../../mocks/index.js';

export interface MockStats {
  requests: Record<string, number>;
  inFlight: number;
  peakInFlight: number;
  lastHeaders: Record<string, string>;
  aborted: number;
}

/** Drives one mock backend through its test controls (`/__stats`, `/__faults`) over HTTP. */
export class MockControl {
  constructor(readonly url: string) {}

  async stats(): Promise<MockStats> {
    return (await fetch(`${this.url}/__stats`)).json() as Promise<MockStats>;
  }

  /** Total requests the backend saw since the last reset, over all routes. */
  async calls(route?: string): Promise<number> {
    const { requests } = await this.stats();
    return route ? (requests[route] ?? 0) : Object.values(requests).reduce((a, b) => a + b, 0);
  }

  async resetStats(): Promise<void> {
    await fetch(`${this.url}/__stats/reset`, { method: 'POST' });
  }

  async setFaults(faults: Faults): Promise<void> {
    const response = await fetch(`${this.url}/__faults`, { method: 'PUT', body: JSON.stringify(faults), headers: { 'content-type': 'application/json' } });
    if (response.status !== 204) throw new Error(`PUT /__faults answered ${response.status}`);
  }

  async clearFaults(): Promise<void> {
    await fetch(`${this.url}/__faults`, { method: 'DELETE' });
  }
}

/** Polls until `predicate` holds (no fixed sleeps); fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
