import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/mock-control.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { parseExposition } from '../observability/prometheus.js';

/**
 * `/ready` says whether THIS instance can serve (listening, not draining, its Redis answering);
 * the backends' health, shared by every instance, is in metrics and `/ready?verbose` only.
 */
const get = async (stack: Stack, path: string) => {
  const response = await fetch(`${stack.http!.url}${path}`);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
};

const backendUp = async (stack: Stack) => {
  const metrics = parseExposition(await (await fetch(`${stack.http!.url}/metrics`)).text());
  return Object.fromEntries(metrics.find('bff_backend_up').map((s) => [s.labels.service, s.value]));
};

const EVERY_BACKEND_UP = { users: 1, catalog: 1, reviews: 1, inventory: 1, orders: 1, notifications: 1 };

describe('a backend that is down does not make the instance unready', () => {
  it('catalog unreachable from the start: /ready 200, verbose and bff_backend_up say catalog is down, reads still answer partially', async () => {
    const stack = await startStack({ http: true, env: { CATALOG_URL: 'http://127.0.0.1:1' } });
    try {
      const ready = await get(stack, '/ready');
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({ status: 'ready' });
      expect(ready.headers.get('cache-control')).toBe('no-store');

      const verbose = await get(stack, '/ready?verbose');
      expect(verbose.status).toBe(200);
      expect(verbose.json.status).toBe('ready');
      expect(verbose.json.instance).toEqual({ listening: true, draining: false, redis: 'not configured' });
      expect(verbose.json.backends.catalog).toMatchObject({ up: false, circuit: 'closed', probe: 'failed' });
      for (const service of ['users', 'reviews', 'inventory', 'orders', 'notifications']) {
        expect(verbose.json.backends[service]).toMatchObject({ up: true, circuit: 'closed', probe: 'ok' });
      }
      // Names only: no address of the unreachable backend.
      expect(JSON.stringify(verbose.json)).not.toContain('127.0.0.1');
      expect(await backendUp(stack)).toEqual({ ...EVERY_BACKEND_UP, catalog: 0 });

      // The instance serves what does not need catalog.
      const user = await stack.query('{ user(id: "1") { name } }');
      expect(user.status).toBe(200);
      expect(user.body.data.user.name).toEqual(expect.any(String));
    } finally {
      await stack.close();
    }
  });

  it('a backend whose circuit opens while running: still ready; verbose shows the open circuit, the gauge 0, until it recovers', async () => {
    const stack = await startStack({ http: true, env: { INVENTORY_BREAKER_THRESHOLD: '2', BACKEND_BREAKER_HALF_OPEN_MS: '500', INVENTORY_RETRIES: '0' } });
    try {
      await stack.backend.inventory.setFaults({ errorRate: 1, errorStatus: 503 });
      // Two failed stock lookups open the circuit (threshold 2).
      for (let i = 0; i < 2; i++) await stack.query(`{ product(id: "${i + 1}") { stock { available } } }`);
      const failedFast = await stack.query('{ product(id: "9") { name stock { available } } }');
      expect(failedFast.body.errors?.[0]?.extensions?.code).toBe('BACKEND_CIRCUIT_OPEN');
      expect(failedFast.body.data.product.name).toEqual(expect.any(String));

      const ready = await get(stack, '/ready?verbose');
      expect(ready.status).toBe(200);
      // Its /health still answers (the faults are on its routes): the circuit is what says it is down.
      expect(ready.json.backends.inventory).toMatchObject({ up: false, circuit: 'open', probe: 'ok' });
      expect(ready.json.backends.catalog).toMatchObject({ up: true, circuit: 'closed' });
      expect(await backendUp(stack)).toEqual({ ...EVERY_BACKEND_UP, inventory: 0 });

      // Healthy again: after the pause, one call closes the circuit, and the views follow.
      await stack.backend.inventory.clearFaults();
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await stack.query('{ product(id: "3") { stock { available } } }')).body.errors).toBeUndefined();
      expect((await get(stack, '/ready?verbose')).json.backends.inventory).toMatchObject({ up: true, circuit: 'closed' });
      expect(await backendUp(stack)).toEqual(EVERY_BACKEND_UP);
    } finally {
      await stack.close();
    }
  });

  it('probes each backend once per interval in the background, however often /ready?verbose is asked', async () => {
    let probes = 0;
    const counting: Server = createHttpServer((request, response) => {
      if (request.url === '/health') probes++;
      response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
    const { port } = counting.address() as AddressInfo;
    const stack = await startStack({ http: true, env: { NOTIFICATIONS_URL: `http://127.0.0.1:${port}`, BACKEND_HEALTH_INTERVAL_MS: '3600000' } });
    try {
      for (let i = 0; i < 30; i++) expect((await get(stack, i % 2 ? '/ready' : '/ready?verbose')).status).toBe(200);
      // The first round at start, nothing per /ready.
      expect(probes).toBe(1);
    } finally {
      await stack.close();
    }
    const often = await startStack({ http: true, env: { NOTIFICATIONS_URL: `http://127.0.0.1:${port}`, BACKEND_HEALTH_INTERVAL_MS: '100' } });
    try {
      await waitFor('the first probe', async () => probes >= 1, 5000);
      probes = 0;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Rounds keep coming, one per 100 ms at most: about 10 in a second, never one per request.
      expect(probes).toBeGreaterThanOrEqual(3);
      expect(probes).toBeLessThanOrEqual(12);
    } finally {
      await often.close();
      counting.close();
    }
  });
});

describe('Redis, where the instance needs it (checkout records and the durable queue)', () => {
  it('REDIS_URL configured but unreachable: /ready 503 naming redis; /health (liveness) still 200', async () => {
    const stack = await startStack({ http: true, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const ready = await get(stack, '/ready');
      expect(ready.status).toBe(503);
      expect(ready.json).toEqual({ status: 'not ready', failing: ['redis'] });
      const verbose = await get(stack, '/ready?verbose');
      expect(verbose.status).toBe(503);
      expect(verbose.json.instance).toEqual({ listening: true, draining: false, redis: 'down' });
      expect((await fetch(`${stack.http!.url}/health`)).status).toBe(200);
    } finally {
      await stack.close();
    }
  });

  const redisUrl = process.env.REDIS_TEST_URL;
  if (!redisUrl) console.warn('test/ops/readiness.test.ts: REDIS_TEST_URL is unset, skipping the real-Redis readiness test');

  it.skipIf(!redisUrl)('a real Redis behind a TCP relay: ready while it answers, 503 while it is cut off, ready again once it is back', async () => {
    const target = new URL(redisUrl!);
    const relay = new Relay(target.hostname, Number(target.port || 6379));
    const port = await relay.start(0);
    const stack = await startStack({ http: true, env: { REDIS_URL: `redis://127.0.0.1:${port}`, DELIVERY_PREFIX: `ready-${process.pid}-${Date.now()}` } });
    try {
      await waitFor('/ready to be 200 with Redis up', async () => (await get(stack, '/ready')).status === 200, 5000);
      expect((await get(stack, '/ready?verbose')).json.instance.redis).toBe('up');

      await relay.stop();
      await waitFor('/ready to be 503 with Redis cut off', async () => (await get(stack, '/ready')).status === 503, 5000);
      expect((await get(stack, '/ready')).json).toEqual({ status: 'not ready', failing: ['redis'] });

      await relay.start(port);
      await waitFor('/ready to be 200 again', async () => (await get(stack, '/ready')).status === 200, 10_000);
    } finally {
      await stack.close();
      await relay.stop();
    }
  });
});

describe('draining on shutdown', () => {
  it('/ready is 503 at once while a slow request in flight still completes with 200, new requests are still served during the drain, then the socket closes', async () => {
    const stack = await startStack({ http: true, env: { SHUTDOWN_DRAIN_MS: '1500', SHUTDOWN_GRACE_MS: '5000' } });
    try {
      expect((await get(stack, '/ready')).status).toBe(200);
      await stack.backend.catalog.setFaults({ latencyMs: 1000, routes: ['GET /products'] });
      const slow = stack.query('{ product(id: "1") { name } }');
      await waitFor('the slow call to reach catalog', async () => (await stack.backend.catalog.stats()).inFlight === 1);

      const stopped = stack.http!.shutdown();
      const ready = await get(stack, '/ready');
      expect(ready.status).toBe(503);
      expect(ready.json).toEqual({ status: 'not ready', failing: ['draining'] });
      // Keep-alive clients are told to take their next request elsewhere.
      expect(ready.headers.get('connection')).toBe('close');
      // Alive, and still serving while load balancers take it out of rotation.
      expect((await fetch(`${stack.http!.url}/health`)).status).toBe(200);
      const during = await stack.query('{ user(id: "2") { name } }');
      expect(during.status).toBe(200);
      expect(during.body.data.user.name).toEqual(expect.any(String));

      const answered = await slow;
      expect(answered.status).toBe(200);
      expect(answered.body).toEqual({ data: { product: { name: expect.any(String) } } });
      await stopped;
      await expect(fetch(`${stack.http!.url}/health`)).rejects.toThrow();
    } finally {
      await stack.close();
    }
  });
});

/** A TCP relay to Redis that can be cut (every socket destroyed, the port closed) and restored. */
class Relay {
  private server: TcpServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async start(port: number): Promise<number> {
    const server = createTcpServer((client) => {
      const upstream = connect(this.port, this.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
