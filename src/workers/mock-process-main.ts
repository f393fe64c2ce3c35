/**
 * npm start's mock backends, in a process of their own (started by mock-process.ts), so the
 * BFF's processes serve only GraphQL and the mocks' CPU and memory are not counted as the
 * BFF's. Ports come from the parent; faults from FAULT_* as in `npm run mocks`.
 */
import { faultsFromEnv, startMockBackends, type ServiceName } from '../../mocks/index.js';
import { MOCK_PORTS_ENV, type MockProcessMessage } from './mock-process.js';

const send = (message: MockProcessMessage) => process.send?.(message);

try {
  const ports = JSON.parse(process.env[MOCK_PORTS_ENV] ?? '{}') as Record<ServiceName, number>;
  const mocks = await startMockBackends({ ports, faults: faultsFromEnv(process.env) });
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    void mocks.close().finally(() => process.exit(0));
  };
  // Stopped by the parent once the BFF has drained (its in-flight requests may still need us):
  // not by the terminal's Ctrl-C, which reaches the whole process group at once.
  process.on('SIGINT', () => {});
  process.once('SIGTERM', close);
  // The channel closes when the parent is gone, however it went (even SIGKILL): no orphan keeps the ports.
  process.once('disconnect', close);
  send({ type: 'listening', urls: mocks.urls });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
