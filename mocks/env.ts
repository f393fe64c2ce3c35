import { FaultConfigError, validateFaults, type Faults } from './faults.js';
import { DEFAULT_PORTS, SERVICES, isServiceName, type ServiceName } from './services/registry.js';

/**
 * Reads the mocks' configuration from environment variables, so a demo, a
 * benchmark or a container can run slow or flaky backends without code.
 * Everything is validated up front; a bad value fails the start with a message
 * naming the variable, the value and what is allowed.
 */

/** Thrown for an invalid environment variable. */
export class MockConfigError extends Error {
  override name = 'MockConfigError';
}

export interface EnvOptions {
  host: string;
  services: ServiceName[];
  ports: Partial<Record<ServiceName, number>>;
  controls: boolean;
  faults?: Faults;
}

type Env = Record<string, string | undefined>;

/** Env var → fault key, with how to read its text. */
const FAULT_VARS: ReadonlyArray<[string, keyof Faults, 'number' | 'boolean' | 'list']> = [
  ['FAULT_LATENCY_MS', 'latencyMs', 'number'],
  ['FAULT_JITTER_MS', 'jitterMs', 'number'],
  ['FAULT_ERROR_RATE', 'errorRate', 'number'],
  ['FAULT_ERROR_STATUS', 'errorStatus', 'number'],
  ['FAULT_HANG', 'hang', 'boolean'],
  ['FAULT_MALFORMED_BODY', 'malformedBody', 'boolean'],
  ['FAULT_RETRY_AFTER_S', 'retryAfterS', 'number'],
  ['FAULT_ROUTES', 'routes', 'list'],
];

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  // An empty variable (FOO= in a compose file) means "not set", not "zero".
  return raw === undefined || raw === '' ? undefined : raw;
}

function parseBoolean(raw: string): boolean | string {
  if (/^(true|1|on|yes)$/i.test(raw)) return true;
  if (/^(false|0|off|no)$/i.test(raw)) return false;
  return raw; // Left as text so the validator reports it.
}

/** The faults given by FAULT_* variables, or undefined when none is set. */
export function faultsFromEnv(env: Env): Faults | undefined {
  const raw: Record<string, unknown> = {};
  for (const [name, key, kind] of FAULT_VARS) {
    const text = value(env, name);
    if (text === undefined) continue;
    if (kind === 'number') raw[key] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    else if (kind === 'boolean') raw[key] = parseBoolean(text);
    else
      raw[key] = text
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '');
    try {
      validateFaults({ [key]: raw[key] }, `${name}=${JSON.stringify(text)}`);
    } catch (error) {
      if (error instanceof FaultConfigError) {
        const hint = kind === 'list' ? ' (comma-separated, e.g. FAULT_ROUTES="GET /stock,POST /orders")' : '';
        throw new MockConfigError(error.message + hint);
      }
      throw error;
    }
  }
  return Object.keys(raw).length === 0 ? undefined : validateFaults(raw, 'FAULT_* variables');
}

/**
 * MOCK_SERVICE (one name or "all", default all), PORT (one service only),
 * HOST (default 127.0.0.1), MOCK_CONTROLS (off disables /__stats and /__faults)
 * and FAULT_*.
 */
export function mockOptionsFromEnv(env: Env = process.env): EnvOptions {
  const service = value(env, 'MOCK_SERVICE') ?? 'all';
  if (service !== 'all' && !isServiceName(service)) {
    throw new MockConfigError(`MOCK_SERVICE must be "all" or one of ${SERVICES.join(', ')}, got ${JSON.stringify(service)}`);
  }
  const services: ServiceName[] = service === 'all' ? [...SERVICES] : [service];

  const ports: Partial<Record<ServiceName, number>> = {};
  const portText = value(env, 'PORT');
  if (portText !== undefined) {
    if (service === 'all') {
      throw new MockConfigError(
        `PORT only applies with a single MOCK_SERVICE; with all six each takes its default port (${SERVICES.map((s) => `${s} ${DEFAULT_PORTS[s]}`).join(', ')})`,
      );
    }
    const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
    if (!(port >= 0 && port <= 65_535)) {
      throw new MockConfigError(`PORT must be an integer from 0 to 65535 (0 picks a free port), got ${JSON.stringify(portText)}`);
    }
    ports[services[0]] = port;
  }

  const controlsText = value(env, 'MOCK_CONTROLS') ?? 'on';
  const controls = parseBoolean(controlsText);
  if (typeof controls !== 'boolean') {
    throw new MockConfigError(`MOCK_CONTROLS must be on or off, got ${JSON.stringify(controlsText)}`);
  }

  const options: EnvOptions = { host: value(env, 'HOST') ?? '127.0.0.1', services, ports, controls };
  const faults = faultsFromEnv(env);
  if (faults) options.faults = faults;
  return options;
}
