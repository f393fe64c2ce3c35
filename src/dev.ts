/**
 * `npm start`: the six mock backends on their default ports (4001–4006), then the BFF on
 * 4000 pointed at them. Nothing else needed: no Docker, no Redis. The mocks take their
 * FAULT_* variables (e.g. FAULT_LATENCY_MS=20) so a demo can run against slow backends.
 */
import { faultsFromEnv, startMockBackends } from '../mocks/index.js';
import { main } from './main.js';

await main(async () => {
  const mocks = await startMockBackends({ faults: faultsFromEnv(process.env) });
  console.log(`mock backends: ${Object.entries(mocks.urls).map(([name, url]) => `${name} ${url}`).join(', ')}`);
  return mocks;
});
