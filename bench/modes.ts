/**
 * How the BFF is configured for a pass over the scenarios. The benchmark repeats one query
 * thousands of times, so the BFF's cross-request sharing (its HTTP cache, which honours the
 * backends' Cache-Control, and the dedupe of identical in-flight GETs) would answer almost
 * everything without a backend call: a fine figure for a hot page, but not the cost of
 * aggregating. So each scenario runs with sharing off (every query pays all its round trips;
 * the floor applies), again so with tracing on (what tracing costs), and with the production
 * defaults.
 */

export interface Mode {
  readonly name: string;
  readonly description: string;
  /** Added to the BFF's environment. */
  readonly bffEnv: Readonly<Record<string, string>>;
  /** Whether every query is known to make all its backend calls, so levels × latency is a floor. */
  readonly floorApplies: boolean;
  /** Start an OTLP sink and point the BFF's OTEL_EXPORTER_OTLP_ENDPOINT at it (tracing on). @default false */
  readonly otlpSink?: boolean;
}

export const MODES: readonly Mode[] = [
  {
    name: 'uncached',
    description: 'BACKEND_CACHE=false BACKEND_DEDUPE=false: every query makes all its backend calls',
    bffEnv: { BACKEND_CACHE: 'false', BACKEND_DEDUPE: 'false' },
    floorApplies: true,
  },
  {
    // Compare with `uncached`: the same work with every span recorded and exported, i.e. what
    // turning tracing on costs (off, the BFF starts no SDK: `uncached` is tracing's zero).
    name: 'traced',
    description: 'as uncached, with tracing on: every span exported by OTLP/HTTP to a sink that drops them',
    bffEnv: { BACKEND_CACHE: 'false', BACKEND_DEDUPE: 'false' },
    floorApplies: true,
    otlpSink: true,
  },
  {
    // Compare with `uncached`: what sharing identical in-flight calls (and merging concurrent
    // requests' ids into one bulk call) saves, with no cache to answer for the backends.
    name: 'dedupe',
    description: 'BACKEND_CACHE=false, dedupe and cross-request batching on: calls shared only while in flight',
    bffEnv: { BACKEND_CACHE: 'false' },
    floorApplies: false,
  },
  {
    name: 'defaults',
    description: "the BFF's production defaults (HTTP cache and dedupe on): a hot, repeated query",
    bffEnv: {},
    floorApplies: false,
  },
];
