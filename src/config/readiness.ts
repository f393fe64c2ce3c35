/**
 * Taking an instance out of rotation and stopping it (src/server/listen.ts), and knowing each
 * backend's health for `bff_backend_up` and `/ready?verbose` (never for `/ready`'s status: see
 * src/server/readiness.ts).
 */
import { z } from 'zod';
import { envSection, type Deployment } from './section.js';
import { integer } from './variables.js';

export const readinessSchema = ({ env }: Deployment) =>
  z
    .object({
      // The time a load balancer (HAProxy's `inter` × `fall`) or Kubernetes' endpoints need to
      // take the instance out of rotation, so no request is sent to a closed socket.
      SHUTDOWN_DRAIN_MS: integer(0, 600_000)
        .default(env === 'production' ? 5000 : 0)
        .describe('after SIGTERM, how long `/ready` answers 503 while the instance still serves, before it stops accepting'),
      SHUTDOWN_GRACE_MS: integer(0).default(10_000).describe('then, how long in-flight requests may take before connections are closed'),
      BACKEND_HEALTH_INTERVAL_MS: integer(0, 3_600_000)
        .default(10_000)
        .describe('time between two rounds of background `GET /health` probes, one per backend; `0`: the circuit breakers alone say'),
      BACKEND_HEALTH_TIMEOUT_MS: integer(1, 60_000).default(1000).describe('how long a probe may take before the backend counts as down'),
    })
    .transform((v) => ({
      shutdownDrainMs: v.SHUTDOWN_DRAIN_MS,
      shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
      health: { probeIntervalMs: v.BACKEND_HEALTH_INTERVAL_MS, probeTimeoutMs: v.BACKEND_HEALTH_TIMEOUT_MS },
    }));

export type ReadinessConfig = Readonly<z.infer<ReturnType<typeof readinessSchema>>>;
export type HealthConfig = Readonly<ReadinessConfig['health']>;

export const readinessSection = envSection({ id: 'readiness', title: 'Readiness and shutdown', file: 'src/config/readiness.ts' }, readinessSchema);
