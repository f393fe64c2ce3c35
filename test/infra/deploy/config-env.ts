// Which environment variables the BFF reads, asked of its config loader itself: loadConfig runs
// on an environment that records every name looked up. Whatever loadConfig is built on (a hand
// reader, zod), a name it never reads is a name a deployment sets for nothing, usually a typo.
import { loadConfig } from '../../../src/config.js';

/** Names `parse` reads from the environment it is given (it may throw: the names read so far count). */
export function namesRead(parse: (env: Record<string, string | undefined>) => unknown, env: Record<string, string> = {}): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy({ ...env } as Record<string, string | undefined>, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return Reflect.get(target, name);
    },
    has(target, name) {
      if (typeof name === 'string') names.add(name);
      return Reflect.has(target, name);
    },
    getOwnPropertyDescriptor(target, name) {
      if (typeof name === 'string') names.add(name);
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
  });
  try {
    parse(recording);
  } catch {
    // an invalid value still shows which names were read
  }
  return names;
}

/**
 * Everything src/config.ts reads, for the given values (a few names are read only when others
 * are set, e.g. OTEL_EXPORTER_OTLP_ENDPOINT only without OTEL_EXPORTER_OTLP_TRACES_ENDPOINT):
 * the union over an empty environment and `env`.
 */
export function namesTheBffReads(env: Record<string, string> = {}): Set<string> {
  return new Set([...namesRead(loadConfig), ...namesRead(loadConfig, env)]);
}
