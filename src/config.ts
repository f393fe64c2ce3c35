/**
 * Configuration, read once from the environment at start and validated, so that a typo in a
 * deployment fails the start with a message naming the variable, rather than a 500 later.
 *
 * One zod schema per section in src/config/, each variable declared there once with its default,
 * its check and a one-line description; `Config` is what those schemas produce. The README's
 * settings tables are printed from the same declarations (`npm run docs:config`).
 *
 * This file is the sections' index; it stays at src/config.ts so every `import … from
 * './config.js'` keeps working.
 */
import { backendsSection, type BackendConfig, type ServiceName } from './config/backends.js';
import { deliverySection, type DeliveryConfig } from './config/delivery.js';
import { deploymentSection, fallbackDeployment } from './config/deployment.js';
import { edgeSection, type EdgeConfig } from './config/edge.js';
import { frontendSection, type FrontendConfig } from './config/frontend.js';
import { httpServerSection, type HttpServerConfig } from './config/http-server.js';
import { observabilitySection, type ObservabilityConfig } from './config/observability.js';
import { readinessSection, type ReadinessConfig } from './config/readiness.js';
import type { Deployment, Mode, Section } from './config/section.js';
import { serverSection, type ServerConfig } from './config/server.js';
import type { Env } from './config/variables.js';
import { workersSection, type WorkersConfig } from './config/workers.js';

export { SERVICE_NAMES, type BackendConfig, type ServiceName } from './config/backends.js';
export type { DeliveryConfig } from './config/delivery.js';
export type { EdgeConfig } from './config/edge.js';
export type { FrontendConfig } from './config/frontend.js';
export type { HttpServerConfig } from './config/http-server.js';
export type { ObservabilityConfig } from './config/observability.js';
export type { HealthConfig } from './config/readiness.js';

/** Every section after the deployment, in the order they are read, listed in problems and in the README. */
export const SECTIONS = [
  serverSection,
  workersSection,
  readinessSection,
  backendsSection,
  edgeSection,
  httpServerSection,
  frontendSection,
  deliverySection,
  observabilitySection,
] as const;

/** The deployment's section first (the others' defaults depend on it), then the rest. */
export const ALL_SECTIONS: readonly Section<unknown>[] = [deploymentSection, ...SECTIONS];

export type Config = Readonly<
  { env: Mode } & ServerConfig &
    WorkersConfig &
    Omit<ReadinessConfig, 'health'> & {
      readonly backends: Readonly<Record<ServiceName, BackendConfig>>;
      readonly health: ReadinessConfig['health'];
      readonly edge: EdgeConfig;
      readonly http: HttpServerConfig;
      readonly frontend: FrontendConfig;
      readonly delivery: DeliveryConfig;
      readonly observability: ObservabilityConfig;
    }
>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates `env`; throws one ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const terminal = Boolean(process.stdout.isTTY);
  const first = deploymentSection.read(env, fallbackDeployment({}, terminal));
  const problems = [...first.problems];
  // With a problem there, the rest is still read (for a list of every problem), as development.
  const deployment: Deployment = first.value ? { ...first.value, terminal } : fallbackDeployment(env, terminal);
  const parts: object[] = [{ env: deployment.env }];
  for (const section of SECTIONS) {
    const { value, problems: more } = section.read(env, deployment);
    problems.push(...more);
    if (value) parts.push(value);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(Object.assign({}, ...parts) as Config);
}

/** Frozen all the way down: nothing may change the configuration once it is read. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
