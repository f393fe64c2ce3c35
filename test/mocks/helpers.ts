import { SERVICES, startMockBackends, type MockBackends, type MockBackendsOptions, type ServiceName } from '../../mocks/index.js';
import type { Faults } from '../../mocks/index.js';
import type { StatsSnapshot } from '../../mocks/stats.js';

/** Port 0 everywhere: test files run in parallel and must never fight over 4001..4006. */
export const EPHEMERAL_PORTS = Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<ServiceName, number>;

export function startEphemeral(options: Omit<MockBackendsOptions, 'ports'> = {}): Promise<MockBackends> {
  return startMockBackends({ ports: EPHEMERAL_PORTS, ...options });
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = any>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? (undefined as T) : (JSON.parse(text) as T) };
}

export function post<T = any>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return request<T>(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

export async function stats(baseUrl: string): Promise<StatsSnapshot> {
  return (await request<StatsSnapshot>(`${baseUrl}/__stats`)).body;
}

export async function resetStats(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/__stats/reset`, { method: 'POST' });
  if (res.status !== 204) throw new Error(`reset failed: ${res.status}`);
}

export async function setFaults(baseUrl: string, faults: Faults): Promise<void> {
  const res = await fetch(`${baseUrl}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
  if (res.status !== 204) throw new Error(`PUT /__faults failed: ${res.status} ${await res.text()}`);
}

export async function clearFaults(baseUrl: string): Promise<void> {
  await fetch(`${baseUrl}/__faults`, { method: 'DELETE' });
}

/** Polls until `check` passes; the server sees a client's disconnect a moment after the client does. */
export async function eventually(check: () => Promise<void>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** "1".."n" as strings. */
export function idRange(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}
