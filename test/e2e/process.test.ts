import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { SERVICE_NAMES } from '../../src/config.js';
import { MockControl, waitFor } from '../helpers/mock-control.js';

/** The BFF as operators run it: its own process, configured by the environment, stopped by SIGTERM. */
function startBffProcess(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DELIVERY_QUEUE: 'memory', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

let mocks: MockBackends;
beforeAll(async () => {
  mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
});
afterAll(() => mocks.close());

describe('the BFF process', () => {
  it('refuses to start on invalid configuration, saying what is wrong, without a stack trace', async () => {
    const { child, output } = startBffProcess({ PORT: 'eighty', ORDERS_URL: 'orders' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(output()).toContain('PORT must be an integer from 0 to 65535, got "eighty"');
    expect(output()).toContain('ORDERS_URL must be an http(s) origin');
    expect(output()).not.toMatch(/\n\s+at /);
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]]));
    const { child, output } = startBffProcess({ PORT: '0', SHUTDOWN_DRAIN_MS: '200', ...urls });
    try {
      await waitFor('the BFF to listen', async () => output().includes('/graphql'), 15_000);
      const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output())![1];
      const catalog = new MockControl(mocks.urls.catalog);
      await catalog.setFaults({ latencyMs: 500 });
      const inFlight = fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ product(id: "1") { name } }' }),
      });
      await waitFor('the call to reach catalog', async () => (await catalog.stats()).inFlight === 1);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect((await response.json()).data.product.name).toEqual(expect.any(String));
      expect((await exited)[0]).toBe(0);
      // Logs are JSON lines in production, one object per line.
      const lines = output().trim().split('\n');
      expect(lines.every((line) => JSON.parse(line))).toBe(true);
      expect(lines.some((line) => JSON.parse(line).msg === 'request' && JSON.parse(line).reqId)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await new MockControl(mocks.urls.catalog).clearFaults();
    }
  });
});
