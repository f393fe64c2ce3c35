/**
 * Injected faults: what a mock does instead of (or before) answering normally,
 * so the BFF's timeouts, retries, breakers and error mapping can be exercised
 * against something that misbehaves on demand.
 */
export interface Faults {
  /** Delay before answering, in ms. @default 0 */
  latencyMs?: number;
  /** Extra random delay in [0, jitterMs) added to latencyMs. @default 0 */
  jitterMs?: number;
  /** Share of requests (0..1) answered with errorStatus instead. @default 0 */
  errorRate?: number;
  /**
   * Fail exactly the next N matching requests with errorStatus, then answer normally: a
   * deterministic "503 then success" for retry tests. Counts down as requests arrive. @default 0
   */
  errorCount?: number;
  /** Status of an injected error. @default 503 */
  errorStatus?: number;
  /** Never answer: hold the socket until the client gives up. @default false */
  hang?: boolean;
  /** Answer 200 with content-type application/json but a truncated body. @default false */
  malformedBody?: boolean;
  /** Send `Retry-After: <s>` with injected errors. @default unset (no header) */
  retryAfterS?: number;
  /** Route keys such as "GET /stock" the faults apply to. @default unset (every route) */
  routes?: string[];
}

/** Thrown for a fault setting that breaks the contract; the message says which and why. */
export class FaultConfigError extends Error {
  override name = 'FaultConfigError';
}

export const DEFAULT_ERROR_STATUS = 503;

const FAULT_KEYS = ['latencyMs', 'jitterMs', 'errorRate', 'errorCount', 'errorStatus', 'hang', 'malformedBody', 'retryAfterS', 'routes'];
const ROUTE_KEY = /^(GET|POST|PUT|PATCH|DELETE) \/\S*$/;

/**
 * Checks an untrusted fault object (a PUT /__faults body) and returns a clean
 * copy. Unknown keys are rejected rather than ignored, because a typo such as
 * `latency: 500` would otherwise silently inject nothing and the test relying
 * on it would pass for the wrong reason.
 */
export function validateFaults(input: unknown, source = 'faults'): Faults {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FaultConfigError(`${source} must be a JSON object like {"latencyMs":200}, got ${JSON.stringify(input)}`);
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!FAULT_KEYS.includes(key)) {
      throw new FaultConfigError(`${source}: unknown key "${key}"; known keys are ${FAULT_KEYS.join(', ')}`);
    }
  }
  const faults: Faults = {};
  const number = (key: keyof Faults, min: number, max: number, integer: boolean): number | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      const kind = integer ? 'an integer' : 'a number';
      throw new FaultConfigError(`${source}: ${key} must be ${kind} between ${min} and ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const flag = (key: keyof Faults): boolean | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      throw new FaultConfigError(`${source}: ${key} must be true or false, got ${JSON.stringify(value)}`);
    }
    return value;
  };

  const latencyMs = number('latencyMs', 0, 600_000, false);
  const jitterMs = number('jitterMs', 0, 600_000, false);
  const errorRate = number('errorRate', 0, 1, false);
  const errorCount = number('errorCount', 0, 1_000_000, true);
  const errorStatus = number('errorStatus', 400, 599, true);
  const retryAfterS = number('retryAfterS', 0, 86_400, true);
  const hang = flag('hang');
  const malformedBody = flag('malformedBody');
  if (latencyMs !== undefined) faults.latencyMs = latencyMs;
  if (jitterMs !== undefined) faults.jitterMs = jitterMs;
  if (errorRate !== undefined) faults.errorRate = errorRate;
  if (errorCount !== undefined) faults.errorCount = errorCount;
  if (errorStatus !== undefined) faults.errorStatus = errorStatus;
  if (retryAfterS !== undefined) faults.retryAfterS = retryAfterS;
  if (hang !== undefined) faults.hang = hang;
  if (malformedBody !== undefined) faults.malformedBody = malformedBody;

  if (raw.routes !== undefined) {
    const routes = raw.routes;
    if (!Array.isArray(routes) || routes.some((r) => typeof r !== 'string' || !ROUTE_KEY.test(r))) {
      throw new FaultConfigError(
        `${source}: routes must be an array of route keys like ["GET /stock", "POST /orders"] (method, one space, route template), got ${JSON.stringify(routes)}`,
      );
    }
    faults.routes = [...(routes as string[])];
  }
  return faults;
}

/** True when the faults would change anything at all. */
export function hasFaults(faults: Faults): boolean {
  return (
    (faults.latencyMs ?? 0) > 0 ||
    (faults.jitterMs ?? 0) > 0 ||
    (faults.errorRate ?? 0) > 0 ||
    (faults.errorCount ?? 0) > 0 ||
    faults.hang === true ||
    faults.malformedBody === true
  );
}

/** Whether the faults cover a route key such as "GET /users/:id". */
export function faultsApplyTo(faults: Faults, routeKey: string): boolean {
  return faults.routes === undefined || faults.routes.includes(routeKey);
}

/**
 * Whether this request gets an injected error: one of the `errorCount` still owed (counted
 * down on the live fault set), else by the seeded `errorRate` dice.
 */
export function takeInjectedError(faults: Faults, roll: () => number): boolean {
  if ((faults.errorCount ?? 0) > 0) {
    faults.errorCount!--;
    return true;
  }
  return Boolean(faults.errorRate) && roll() < faults.errorRate!;
}
