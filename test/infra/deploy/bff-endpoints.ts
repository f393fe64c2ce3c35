// Which operational paths the BFF really serves, asked of the BFF itself (in-process, no socket):
// a probe or a load balancer's check that names a path the code does not serve would take every
// instance out of rotation, and no schema would notice.
import { loadConfig, SERVICE_NAMES } from '../../../src/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createServer } from '../../../src/server/server.js';

/** Status of a GET on each path; the backends point at a closed port, so /ready answers "not ready" quickly. */
export async function bffStatuses(paths: readonly string[]): Promise<Record<string, number>> {
  const nowhere = Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, 'http://127.0.0.1:9']));
  const config = loadConfig({ LOG_LEVEL: 'silent', ...nowhere });
  const server = createServer({ config, logger: createLogger(config) });
  try {
    const statuses: Record<string, number> = {};
    for (const path of paths) {
      const response = await server.yoga.fetch(`http://bff.test${path}`);
      await response.arrayBuffer();
      statuses[path] = response.status;
    }
    return statuses;
  } finally {
    await server.close(true);
  }
}

/** A liveness path answers 200 while the process runs, whatever the backends do. */
export const servesLiveness = (status: number | undefined): boolean => status === 200;
/** A readiness path gives a verdict: 200 ready, 503 not (here: the backends are unreachable). */
export const servesReadiness = (status: number | undefined): boolean => status === 200 || status === 503;
