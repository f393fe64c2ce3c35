import { getDataset } from './data/seed.js';
import { validateFaults, type Faults } from './faults.js';
import { createMockServer, type MockServer } from './server.js';
import { DEFAULT_PORTS, SERVICES, SERVICE_FACTORIES, type ServiceName } from './services/registry.js';

/**
 * The mock backends' programmatic API, for tests and the app's dev launcher.
 * Starting is explicit and pure: options come only from the arguments (use
 * mockOptionsFromEnv() to honour MOCK_CONTROLS, FAULT_* and friends), so a
 * developer's shell cannot make a test suite slow or flaky.
 */

export { SERVICES, DEFAULT_PORTS, isServiceName, type ServiceName } from './services/registry.js';
export { type Faults, FaultConfigError } from './faults.js';
export { mockOptionsFromEnv, faultsFromEnv, MockConfigError, type EnvOptions } from './env.js';

export interface MockBackends {
  /** Base URL per started service, e.g. `http://127.0.0.1:4001` (no trailing slash). Services not started are absent. */
  urls: Record<ServiceName, string>;
  /** Route keys per started service, exactly as /__stats counts them and a fault's `routes` names them (e.g. "GET /users/:id"). */
  routeKeys: Record<ServiceName, readonly string[]>;
  /** Closes every server and destroys its open sockets, hung requests included. */
  close(): Promise<void>;
}

export interface MockBackendsOptions {
  /** Interface to bind; docker passes 0.0.0.0. @default '127.0.0.1' */
  host?: string;
  /** Port per service; 0 picks a free one (use in tests). @default DEFAULT_PORTS (4001..4006) */
  ports?: Partial<Record<ServiceName, number>>;
  /** Which services to start. @default all six */
  services?: ServiceName[];
  /** Faults active from the start on every started service (a fault's `routes` narrows it). @default none */
  faults?: Faults;
  /** Serve /__stats and /__faults; when false they answer 404. @default true */
  controls?: boolean;
}

function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startMockBackends(opts: MockBackendsOptions = {}): Promise<MockBackends> {
  const host = opts.host ?? '127.0.0.1';
  const services = opts.services ?? [...SERVICES];
  for (const name of services) {
    if (!SERVICES.includes(name)) throw new Error(`unknown mock service ${JSON.stringify(name)}; services are ${SERVICES.join(', ')}`);
  }
  // Validated once here so a bad fault fails the start, not the first request.
  const faults = opts.faults ? validateFaults(opts.faults, 'startMockBackends faults') : undefined;
  const data = getDataset();

  const started: MockServer[] = [];
  const urls = {} as Record<ServiceName, string>;
  const routeKeys = {} as Record<ServiceName, readonly string[]>;
  const closeAll = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.close()));
  };
  try {
    for (const name of services) {
      const server = createMockServer(SERVICE_FACTORIES[name](data), { controls: opts.controls ?? true, faults });
      started.push(server);
      const port = await server.listen(opts.ports?.[name] ?? DEFAULT_PORTS[name], host);
      urls[name] = baseUrl(host, port);
      routeKeys[name] = server.routeKeys;
    }
  } catch (error) {
    // Do not leave half the backends listening after a failed start.
    await closeAll();
    throw error;
  }
  return { urls, routeKeys, close: closeAll };
}
