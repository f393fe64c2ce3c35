/**
 * WORKERS > 1, as operators run it: the real process (src/main.ts under tsx), its workers
 * forked by node:cluster, real HTTP to in-process mocks. Which worker answered is read from
 * the request log lines (every worker's lines carry its `pid` and slot), never from a header.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockBackends, type MockBackends } from '../../mocks/index.js';
import { SERVICE_NAMES } from '../../src/config.js';
import { MockControl, waitFor } from '../helpers/mock-control.js';
import { parseExposition } from '../observability/prometheus.js';

interface LogLine {
  msg: string;
  pid?: number;
  worker?: number;
  [key: string]: unknown;
}

/** A process whose JSON log lines we read as they come. */
function startProcess(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DELIVERY_QUEUE: 'memory', LOG_LEVEL: 'info', LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const lines = (): LogLine[] =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, output: () => output, lines, exited };
}

/** POST /graphql on a connection of its own: the cluster hands out connections, not requests. */
function post(url: string, query: string): Promise<{ status: number; body: { data?: unknown; errors?: unknown[] } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' }, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(JSON.stringify({ query }));
  });
}

const QUERY = '{ product(id: "1") { name } }';
// Not asked before (the HTTP cache would answer it without calling catalog).
const UNCACHED_QUERY = '{ product(id: "7") { name } }';
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const requestPids = (lines: LogLine[]) => new Set(lines.filter((l) => l.msg === 'request' && l.path === '/graphql').map((l) => l.pid!));

let mocks: MockBackends;
let backendEnv: Record<string, string>;
beforeAll(async () => {
  mocks = await startMockBackends({ ports: Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) });
  backendEnv = Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_URL`, mocks.urls[s]]));
});
afterAll(() => mocks.close());

describe('WORKERS=2', () => {
  let bff: ReturnType<typeof startProcess>;
  let url: string;
  let workerPids: number[];

  beforeAll(async () => {
    bff = startProcess('src/main.ts', { ...backendEnv, PORT: '0', WORKERS: '2' });
    await waitFor('both workers to listen', async () => bff.lines().some((l) => l.msg.startsWith('2 workers serving')), 60_000);
    const ready = bff.lines().find((l) => l.msg.startsWith('2 workers serving'))!;
    url = String(ready.url).replace(/\/graphql$/, '');
    workerPids = ready.pids as number[];
  }, 90_000);
  afterAll(() => {
    bff.child.kill('SIGKILL');
    for (const pid of workerPids ?? []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('answers on one port from two worker processes, and /metrics counts both', async () => {
    expect(workerPids).toHaveLength(2);
    expect(workerPids).not.toContain(bff.child.pid);
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await post(url, QUERY));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.every((a) => !a.body.errors && (a.body.data as { product: { name: string } }).product.name)).toBe(true);
    await waitFor('the request log lines', async () => bff.lines().filter((l) => l.msg === 'request' && l.path === '/graphql').length >= 10);
    // Round-robin over connections: both workers served some.
    expect([...requestPids(bff.lines())].sort()).toEqual([...workerPids].sort());

    // One scrape, wherever it lands, is every worker's: 10 requests, however they were split.
    const response = await fetch(`${url}/metrics`, { headers: { connection: 'close' } });
    expect(response.status).toBe(200);
    const metrics = parseExposition(await response.text());
    expect(metrics.sum('bff_http_requests_total', { status: '200' })).toBe(10);
    expect(metrics.sum('bff_graphql_operations_total', { outcome: 'ok' })).toBe(10);
    expect(metrics.sum('bff_cluster_workers', { state: 'ready' })).toBe(2);
    expect(metrics.sum('bff_cluster_scrape_workers')).toBe(2);
    expect(
      metrics
        .find('bff_cluster_worker_resident_memory_bytes')
        .map((s) => s.labels.worker)
        .sort(),
    ).toEqual(['0', '1']);
  });

  it('replaces a worker killed by SIGKILL, and keeps answering meanwhile', async () => {
    const [victim, survivor] = workerPids;
    process.kill(victim, 'SIGKILL');
    await waitFor('the primary to log the death', async () => bff.lines().some((l) => l.msg === 'worker died: replacing it' && l.pid === victim), 10_000);
    const death = bff.lines().find((l) => l.msg === 'worker died: replacing it')!;
    expect(death).toMatchObject({ signal: 'SIGKILL', restartInMs: 0 });

    // While the replacement starts, the survivor answers every new connection.
    const during = [];
    for (let i = 0; i < 5; i++) during.push((await post(url, QUERY)).status);
    expect(during).toEqual(Array(5).fill(200));

    await waitFor(
      'the replacement to listen',
      async () => bff.lines().some((l) => l.msg.includes('GraphQL at') && l.worker === death.worker && l.pid !== victim),
      60_000,
    );
    const replacement = bff.lines().find((l) => l.msg.includes('GraphQL at') && l.worker === death.worker && l.pid !== victim)!.pid!;
    expect(isAlive(victim)).toBe(false);
    const before = bff.lines().length;
    for (let i = 0; i < 10; i++) expect((await post(url, QUERY)).status).toBe(200);
    await waitFor(
      'the request log lines',
      async () =>
        bff
          .lines()
          .slice(before)
          .filter((l) => l.msg === 'request' && l.path === '/graphql').length >= 10,
    );
    expect([...requestPids(bff.lines().slice(before))].sort()).toEqual([replacement, survivor].sort());
    workerPids = [replacement, survivor];

    const metrics = parseExposition(await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text());
    expect(metrics.sum('bff_cluster_worker_restarts_total')).toBe(1);
    expect(metrics.sum('bff_cluster_workers', { state: 'ready' })).toBe(2);
  }, 90_000);

  it('on SIGTERM drains every worker: the request in flight completes, then the primary exits 0', async () => {
    const catalog = new MockControl(mocks.urls.catalog);
    await catalog.setFaults({ latencyMs: 800 });
    try {
      const inFlight = post(url, UNCACHED_QUERY);
      await waitFor('the call to reach catalog', async () => (await catalog.stats()).inFlight === 1);
      bff.child.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect((answer.body.data as { product: { name: string } }).product.name).toEqual(expect.any(String));
      const [code] = await bff.exited;
      expect(code).toBe(0);
      // Each worker ran its own graceful shutdown, then exited: none is left behind.
      const stopped = bff
        .lines()
        .filter((l) => l.msg === 'stopped' && l.worker !== undefined)
        .map((l) => l.pid);
      expect(stopped.sort()).toEqual([...workerPids].sort());
      for (const pid of workerPids) expect(isAlive(pid)).toBe(false);
    } finally {
      await catalog.clearFaults();
    }
  }, 60_000);
});

describe('npm start (src/dev.ts) with WORKERS=2', () => {
  it('runs the mocks in a process of their own, beside the primary and its workers, and stops them all', async () => {
    // dev.ts starts each mock on the port of its <SERVICE>_URL: fixed ports, in this project's test range.
    const mockEnv = Object.fromEntries(SERVICE_NAMES.map((s, i) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${4661 + i}`]));
    const dev = startProcess('src/dev.ts', { ...mockEnv, PORT: '0', WORKERS: '2' });
    try {
      await waitFor('the workers to listen', async () => dev.lines().some((l) => l.msg.startsWith('2 workers serving')), 90_000);
      const ready = dev.lines().find((l) => l.msg.startsWith('2 workers serving'))!;
      const mocksPid = Number(/mock backends \(pid (\d+)\): users http:\/\/127\.0\.0\.1:4661/.exec(dev.output())?.[1]);
      expect(mocksPid).toBeGreaterThan(0);
      expect([dev.child.pid, ...(ready.pids as number[])]).not.toContain(mocksPid);
      expect(isAlive(mocksPid)).toBe(true);

      const url = String(ready.url).replace(/\/graphql$/, '');
      const answer = await post(url, QUERY);
      expect(answer.body).toEqual({ data: { product: { name: expect.any(String) } } });
      expect(await new MockControl('http://127.0.0.1:4662').calls('GET /products')).toBeGreaterThan(0);

      dev.child.kill('SIGTERM');
      expect((await dev.exited)[0]).toBe(0);
      // Stopped after the BFF drained, not orphaned: its ports are free again.
      await waitFor('the mocks to exit', async () => !isAlive(mocksPid), 10_000);
      await expect(fetch('http://127.0.0.1:4661/health')).rejects.toThrow();
    } finally {
      dev.child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('WORKERS > 1 failing to start', () => {
  it('exits 1 once, saying why, when the port is taken, instead of restarting workers forever', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const bff = startProcess('src/main.ts', { ...backendEnv, PORT: String(port), WORKERS: '2' });
      const [code] = await bff.exited;
      expect(code).toBe(1);
      expect(bff.lines().some((l) => l.msg === 'a worker exited before listening: the BFF cannot start')).toBe(true);
      expect(bff.lines().filter((l) => l.msg === 'worker died: replacing it')).toEqual([]);
    } finally {
      taken.close();
    }
  }, 90_000);
});
