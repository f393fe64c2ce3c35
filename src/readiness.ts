import type { BackendPools } from './backends/index.js';

/**
 * `/ready`: 200 when every backend answers its health check, else 503, with each backend's
 * state so an operator sees which one holds the instance back. Names only, never addresses.
 */
export function readinessCheck(pools: BackendPools) {
  return async (): Promise<Response> => {
    const states = await Promise.all(
      Object.values(pools).map(async (pool) => [pool.service, (await pool.isHealthy()) ? 'up' : 'down'] as const),
    );
    const ready = states.every(([, state]) => state === 'up');
    return Response.json({ status: ready ? 'ready' : 'not ready', backends: Object.fromEntries(states) }, { status: ready ? 200 : 503 });
  };
}
