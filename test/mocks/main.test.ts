import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getDataset } from '../../mocks/data/seed.js';
import { DEFAULT_PORTS, mockOptionsFromEnv } from '../../mocks/index.js';
import { request } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the CLI as `npm run mocks` would (tsx loader), in its own process. */
function runCli(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mocks/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const output = () => ({ stdout, stderr });
  return { child, exited, output };
}

// Concurrent: each spawns a process, and the two waits overlap.
describe.concurrent('mocks/main.ts', () => {
  it('starts one service on PORT, serves the same data as in-process, honours MOCK_CONTROLS=off, exits 0 on SIGTERM', async () => {
    const cli = runCli({ MOCK_SERVICE: 'users', PORT: '0', MOCK_CONTROLS: 'off' });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${JSON.stringify(cli.output())}`)), 8_000);
        cli.child.stdout.on('data', () => {
          const match = /mock users listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output().stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      // Another process, same seeds: the same user.
      expect((await request(`${url}/users/1`)).body).toEqual(getDataset().usersById.get('1'));
      expect((await request(`${url}/__stats`)).status).toBe(404);
      expect((await request(`${url}/health`)).body).toEqual({ status: 'ok' });

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(cli.output().stdout).toContain('closing on SIGTERM');
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 15_000);

  it('exits 1 with a message naming the bad variable', async () => {
    const cli = runCli({ MOCK_SERVICE: 'users', PORT: '0', FAULT_ERROR_RATE: '2' });
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toContain('mocks: FAULT_ERROR_RATE="2": errorRate must be a number between 0 and 1, got 2');
  }, 15_000);
});

describe('mockOptionsFromEnv', () => {
  it('defaults to all services on their default ports, on loopback, controls on, no faults', () => {
    expect(mockOptionsFromEnv({})).toEqual({
      host: '127.0.0.1',
      services: ['users', 'catalog', 'reviews', 'inventory', 'orders', 'notifications'],
      ports: {},
      controls: true,
    });
    expect(DEFAULT_PORTS).toEqual({ users: 4001, catalog: 4002, reviews: 4003, inventory: 4004, orders: 4005, notifications: 4006 });
  });

  it('reads one service, PORT, HOST, MOCK_CONTROLS and every FAULT_* variable', () => {
    expect(
      mockOptionsFromEnv({
        MOCK_SERVICE: 'inventory',
        PORT: '5004',
        HOST: '0.0.0.0',
        MOCK_CONTROLS: 'off',
        FAULT_LATENCY_MS: '250',
        FAULT_JITTER_MS: '50',
        FAULT_ERROR_RATE: '0.1',
        FAULT_ERROR_STATUS: '502',
        FAULT_HANG: '1',
        FAULT_MALFORMED_BODY: 'false',
        FAULT_RETRY_AFTER_S: '2',
        FAULT_ROUTES: 'GET /stock, POST /reservations',
      }),
    ).toEqual({
      host: '0.0.0.0',
      services: ['inventory'],
      ports: { inventory: 5004 },
      controls: false,
      faults: {
        latencyMs: 250,
        jitterMs: 50,
        errorRate: 0.1,
        errorStatus: 502,
        hang: true,
        malformedBody: false,
        retryAfterS: 2,
        routes: ['GET /stock', 'POST /reservations'],
      },
    });
  });

  it('treats empty variables as unset', () => {
    expect(mockOptionsFromEnv({ MOCK_SERVICE: '', PORT: '', FAULT_LATENCY_MS: '' })).not.toHaveProperty('faults');
  });

  it('rejects invalid values with messages that state the contract', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ MOCK_SERVICE: 'payments' }, /MOCK_SERVICE must be "all" or one of users, catalog/],
      [{ PORT: '4001' }, /PORT only applies with a single MOCK_SERVICE/],
      [{ MOCK_SERVICE: 'users', PORT: 'eighty' }, /PORT must be an integer from 0 to 65535/],
      [{ MOCK_CONTROLS: 'maybe' }, /MOCK_CONTROLS must be on or off/],
      [{ FAULT_LATENCY_MS: 'slow' }, /FAULT_LATENCY_MS="slow": latencyMs must be a number/],
      [{ FAULT_HANG: 'sometimes' }, /FAULT_HANG="sometimes": hang must be true or false/],
      [{ FAULT_ERROR_STATUS: '200' }, /errorStatus must be an integer between 400 and 599/],
      [{ FAULT_ROUTES: '/stock' }, /FAULT_ROUTES.*comma-separated/],
    ];
    for (const [env, message] of cases) expect(() => mockOptionsFromEnv(env), JSON.stringify(env)).toThrow(message);
  });
});
