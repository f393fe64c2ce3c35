import { hasFaults } from './faults.js';
import { MockConfigError, mockOptionsFromEnv, startMockBackends } from './index.js';

/**
 * `npm run mocks` (tsx) or `node dist/mocks/main.js`: starts the mock
 * backends configured by the environment (see env.ts) and prints one line per
 * service. SIGTERM/SIGINT close them cleanly, so `docker stop` is quick.
 */
async function main(): Promise<void> {
  const options = mockOptionsFromEnv(process.env);
  const backends = await startMockBackends(options);
  for (const [name, url] of Object.entries(backends.urls)) console.log(`mock ${name} listening on ${url}`);
  // docker-compose passes FAULT_LATENCY_MS=0 etc. by default: only announce faults that do something.
  if (options.faults && hasFaults(options.faults)) {
    console.log(`mock faults active: ${JSON.stringify(options.faults)}`);
    // A typo in FAULT_ROUTES would silently inject nothing; say so, but do not
    // fail: one env file may serve containers that each run a single service.
    const served = new Set(Object.values(backends.routeKeys).flat());
    const unknown = (options.faults.routes ?? []).filter((route) => !served.has(route));
    if (unknown.length > 0) {
      console.warn(`mock warning: FAULT_ROUTES names ${unknown.join(', ')}, which no started mock serves; routes here: ${[...served].join(', ')}`);
    }
  }
  if (!options.controls) console.log('mock controls off: /__stats and /__faults answer 404');

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    console.log(`mock backends closing on ${signal}`);
    backends.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('mock backends failed to close:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Config errors are the user's to fix: the message alone says what; no stack.
  console.error(error instanceof MockConfigError || (error instanceof Error && error.message.startsWith('mock ')) ? `mocks: ${error.message}` : error);
  process.exit(1);
});
