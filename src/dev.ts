/**
 * `npm start`: the six mock backends in a process of their own (on the ports of the backend
 * URLs, 4001–4006 by default), then the BFF on 4000 pointed at them: one process, or with
 * WORKERS > 1 a primary and its workers, which serve only GraphQL. Nothing else needed: no
 * Docker, no Redis. The mocks take their FAULT_* variables (e.g. FAULT_LATENCY_MS=20) so a
 * demo can run against slow backends. On SIGTERM or Ctrl-C the BFF drains first, then the
 * mocks stop.
 */
import { main } from './main.js';
import { mockPorts, startMockProcess } from './workers/mock-process.js';

await main(async (config) => {
  try {
    const mocks = await startMockProcess(mockPorts(config));
    console.log(
      `mock backends (pid ${mocks.pid}): ${Object.entries(mocks.urls)
        .map(([name, url]) => `${name} ${url}`)
        .join(', ')}`,
    );
    return mocks;
  } catch (error) {
    // A port taken, a bad FAULT_* value: the message says which; no stack trace.
    console.error((error as Error).message);
    process.exit(1);
  }
});
