// The compose profile `scale` (three BFFs behind HAProxy, one Redis) as data: which services are
// in it, and the file without them, for the checks written before it existed.
import { isObj, type Obj } from '../lib/compose.js';

export const SCALE_PROFILE = 'scale';

const inProfile = (svc: unknown, profile: string): boolean => isObj(svc) && Array.isArray(svc.profiles) && svc.profiles.includes(profile);

/** Names of the services that start only with `--profile <profile>`. */
export function servicesInProfile(data: Obj, profile: string): string[] {
  return isObj(data.services)
    ? Object.entries(data.services)
        .filter(([, svc]) => inProfile(svc, profile))
        .map(([name]) => name)
    : [];
}

/**
 * The compose data without the services of `profile`. test/infra/compose.test.ts checks the
 * default stack and the observability profile on this; test/infra/compose-scale.test.ts checks
 * the scale profile, and the whole file, on its own.
 */
export function withoutProfile(data: Obj, profile: string): Obj {
  if (!isObj(data.services)) return data;
  const services = Object.fromEntries(Object.entries(data.services).filter(([, svc]) => !inProfile(svc, profile)));
  return { ...data, services };
}
