/**
 * What kind of deployment this is, read before every other section because their defaults
 * depend on it: the mode (production closes the edge up and logs JSON) and the one Redis the
 * instances share. REDIS_URL is read here only; the sections that use it get it from here.
 */
import { z } from 'zod';
import { envSection, type Deployment } from './section.js';
import { oneOf, redisUrl } from './variables.js';

export const MODES = ['development', 'production', 'test'] as const;

export const deploymentSchema = () =>
  z
    .object({
      NODE_ENV: oneOf(MODES)
        .default('development')
        .describe('`production` turns GraphiQL, introspection and field suggestions off, allows no other origin by default, and logs JSON'),
      REDIS_URL: redisUrl()
        .optional()
        .describe("Redis shared by all instances: the rate limit, the delivery queue, the checkout records, the persisted queries, the backends' HTTP cache"),
    })
    .transform((v) => ({ env: v.NODE_ENV, redisUrl: v.REDIS_URL }));

export const deploymentSection = envSection({ id: 'deployment', title: 'Deployment', file: 'src/config/deployment.ts' }, deploymentSchema);

/** Whom the other sections are read for when this section itself has a problem (already reported): development, REDIS_URL as given. */
export function fallbackDeployment(env: Readonly<Record<string, string | undefined>>, terminal: boolean): Deployment {
  const mode = deploymentSchema().in.shape.NODE_ENV.safeParse(env.NODE_ENV?.trim() || undefined);
  return { env: mode.success ? mode.data : 'development', redisUrl: env.REDIS_URL?.trim() || undefined, terminal };
}
