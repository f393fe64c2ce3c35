/**
 * The system under test, laid out as in production: six mock backends, each its own process on
 * its own port (basePort+1 … basePort+6, in the contract's order), and the BFF as a separate
 * process on basePort pointed at them through `<SERVICE>_URL`.
 */
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, type ServiceName } from '../src/config.js';
import { startOtlpSink, type OtlpSink } from './otlp-sink.js';
import { assertPortFree, isOk, spawnNode, spawnTs, waitUntil, type Child } from './processes.js';
import { bffNodeArgs } from './runtime.js';
import type { Settings } from './settings.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';

export interface Stack {
  readonly bffUrl: string;
  readonly bff: Child;
  readonly mockUrls: Readonly<Record<ServiceName, string>>;
  readonly mocks: Readonly<Record<ServiceName, Child>>;
  /** Where the BFF sends its spans, in a traced mode. */
  readonly otlpSink?: OtlpSink;
  stop(): Promise<void>;
}

/**
 * `bffEnv` (a mode's configuration) is added to the BFF's environment, then BENCH_BFF_ENV.
 * With `otlpSink`, an OTLP sink listens on basePort+7 and the BFF exports its spans there.
 */
export async function startStack(settings: Settings, bffEnv: Readonly<Record<string, string>> = {}, { otlpSink = false } = {}): Promise<Stack> {
  const portOf = (name: ServiceName) => settings.basePort + 1 + SERVICE_NAMES.indexOf(name);
  for (const port of [settings.basePort, ...SERVICE_NAMES.map(portOf)]) await assertPortFree(port, HOST);

  const mocks = {} as Record<ServiceName, Child>;
  const mockUrls = {} as Record<ServiceName, string>;
  const started: Child[] = [];
  let sink: OtlpSink | undefined;
  const stop = async () => {
    await Promise.all(started.map((child) => child.stop()));
    if (sink) {
      console.error(`[otlp sink] received ${sink.received.requests} exports, ${(sink.received.bytes / 1e6).toFixed(1)} MB`);
      await sink.close();
    }
  };
  try {
    if (otlpSink) sink = await startOtlpSink(settings.basePort + 7, HOST);
    // Started together: each seeds the same dataset on start, which takes a few seconds of CPU.
    for (const name of SERVICE_NAMES) {
      const child = spawnTs(
        `mock ${name}`,
        'mocks/main.ts',
        {
          MOCK_SERVICE: name,
          PORT: String(portOf(name)),
          HOST,
          MOCK_CONTROLS: 'on', // /__stats is how we count backend calls
          FAULT_LATENCY_MS: String(settings.latencyMs),
        },
        ROOT,
      );
      started.push(child);
      mocks[name] = child;
      mockUrls[name] = `http://${HOST}:${portOf(name)}`;
    }
    const allHealthy = async () => (await Promise.all(SERVICE_NAMES.map((name) => isOk(`${mockUrls[name]}/health`)))).every(Boolean);
    await waitUntil('the mock backends to answer /health', allHealthy, { timeoutMs: 60_000, watch: started });

    const bff = startBff(settings, settings.basePort, mockUrls, bffEnv, sink);
    started.push(bff);
    const bffUrl = await bffReady(bff, settings.basePort, started);
    return { bffUrl, bff, mockUrls, mocks, otlpSink: sink, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The BFF as production runs it (see the README of bench/), on `port`, pointed at `mockUrls`:
 * a mode's `bffEnv`, then the sink, then BENCH_BFF_ENV. `settings.nodeFlags` picks its node flags.
 */
export function startBff(
  settings: Settings,
  port: number,
  mockUrls: Readonly<Record<ServiceName, string>>,
  bffEnv: Readonly<Record<string, string>>,
  sink: OtlpSink | undefined,
): Child {
  return spawnNode(
    'bff',
    bffNodeArgs(settings),
    {
      PORT: String(port),
      WORKERS: settings.workers,
      HOST,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false', // JSON lines, which the log tap counts
      // The load comes from one address, so the per-client rate limit (600/min by default)
      // would answer 429 within a second: it limits a client, not the BFF, so it is off here.
      RATE_LIMIT_POINTS: '0',
      // No Redis here: the in-process delivery queue, which production only runs when told.
      DELIVERY_QUEUE: 'memory',
      ...Object.fromEntries(SERVICE_NAMES.map((name) => [`${name.toUpperCase()}_URL`, mockUrls[name]])),
      ...bffEnv,
      ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}),
      ...settings.bffEnv, // last: the person running the benchmark has the final say
    },
    ROOT,
  );
}

/** Waits for the BFF's /ready (200 once it listens; the mocks answered /health before): returns its URL. */
export async function bffReady(bff: Child, port: number, watch: Child[] = [bff]): Promise<string> {
  const bffUrl = `http://${HOST}:${port}`;
  await waitUntil('the BFF /ready', () => isOk(`${bffUrl}/ready`, 2000), { timeoutMs: 30_000, watch });
  return bffUrl;
}
