import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/mock-control.js';

/**
 * The listening socket's limits (HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS,
 * KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS), driven with raw sockets so that the client does
 * exactly what a slow or hostile one does. Short timeouts keep the file fast; the defaults
 * (10 s, 30 s, 65 s, 4096) are the same code with other numbers.
 */

/** A raw TCP client that records what the server sends and when it closes. */
class RawClient {
  readonly socket: Socket;
  readonly opened = performance.now();
  received = '';
  closedAfterMs: number | undefined;
  readonly closed: Promise<void>;

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.socket = connect(Number(port), hostname);
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => (this.received += chunk));
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.socket.on('close', () => {
        this.closedAfterMs = performance.now() - this.opened;
        resolve();
      }),
    );
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  /** Sends a complete keep-alive `GET path` and waits for the whole response (yoga's /health has no body). */
  async get(path: string): Promise<string> {
    const before = this.received.length;
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: bff.test\r\n\r\n`);
    await waitFor(`the response to GET ${path}`, async () => this.received.indexOf('\r\n\r\n', before) >= 0 || this.closedAfterMs !== undefined, 5000);
    return this.received.slice(before).split('\r\n')[0] ?? '';
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const graphql = (stack: Stack) => stack.query('{ product(id: "7") { name } }');

describe('slow clients', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      http: true,
      env: { HEADERS_TIMEOUT_MS: '3000', HTTP_REQUEST_TIMEOUT_MS: '4000', KEEP_ALIVE_TIMEOUT_MS: '5000', MAX_CONNECTIONS: '0' },
    });
  });
  afterAll(() => stack.close());

  it('closes sockets that never finish their headers after HEADERS_TIMEOUT_MS (408), while normal clients are answered meanwhile', async () => {
    // Warm: the first query of a fresh server compiles what yoga caches.
    expect((await graphql(stack)).status).toBe(200);
    const slow = Array.from({ length: 50 }, () => new RawClient(stack.http!.url));
    await Promise.all(slow.map((c) => c.connected()));
    // Half send a partial header line and stall; half send nothing at all.
    slow.forEach((client, i) => i % 2 === 0 && client.socket.write('POST /graphql HTTP/1.1\r\nHost: bff.test\r\nContent-Type: appli'));

    // While they hang, other clients get their answers.
    const answers = await Promise.all(Array.from({ length: 10 }, () => graphql(stack)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.every((a) => typeof a.body.data.product.name === 'string')).toBe(true);
    expect(slow.every((c) => c.closedAfterMs === undefined)).toBe(true);

    await Promise.all(slow.map((c) => c.closed));
    const times = slow.map((c) => c.closedAfterMs!);
    // Not before the timeout; within it plus node's checking interval (750 ms here) and some slack.
    expect(Math.min(...times)).toBeGreaterThanOrEqual(3000 - 50);
    expect(Math.max(...times)).toBeLessThan(5000);
    expect(slow.every((c) => c.received.startsWith('HTTP/1.1 408 Request Timeout'))).toBe(true);
  });

  it('closes a request whose body drips in after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const client = new RawClient(stack.http!.url);
    await client.connected();
    client.socket.write('POST /graphql HTTP/1.1\r\nHost: bff.test\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"query":');
    const drip = setInterval(() => client.socket.writable && client.socket.write(' '), 100);
    try {
      await client.closed;
    } finally {
      clearInterval(drip);
    }
    // The headers came at once, so HEADERS_TIMEOUT_MS (3 s) is not what closed it.
    expect(client.closedAfterMs!).toBeGreaterThanOrEqual(4000 - 50);
    expect(client.closedAfterMs!).toBeLessThan(6000);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('keeps an idle keep-alive socket for KEEP_ALIVE_TIMEOUT_MS, longer than HEADERS_TIMEOUT_MS (node 20 counts headers per request)', async () => {
    const client = new RawClient(stack.http!.url);
    await client.connected();
    expect(await client.get('/health')).toBe('HTTP/1.1 200 OK');
    // Idle past the headers timeout: a load balancer's pooled connection must still be good.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(await client.get('/health')).toBe('HTTP/1.1 200 OK');
    const lastAnswer = performance.now();
    await client.closed;
    const idleMs = performance.now() - lastAnswer;
    expect(idleMs).toBeGreaterThanOrEqual(5000 - 100);
    expect(idleMs).toBeLessThan(7500);
  });
});

describe('the connection cap (MAX_CONNECTIONS)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ http: true, env: { MAX_CONNECTIONS: '5' } });
  });
  afterAll(() => stack.close());

  it('closes connections beyond the cap at once, while the connections it serves keep working', async () => {
    const served = Array.from({ length: 5 }, () => new RawClient(stack.http!.url));
    await Promise.all(served.map((c) => c.connected()));
    for (const client of served) expect(await client.get('/health')).toBe('HTTP/1.1 200 OK');

    const refused = new RawClient(stack.http!.url);
    await refused.connected().catch(() => undefined);
    refused.socket.write('GET /health HTTP/1.1\r\nHost: bff.test\r\n\r\n');
    await refused.closed;
    expect(refused.received).toBe('');
    expect(refused.closedAfterMs!).toBeLessThan(1000);

    // The five still serve, GraphQL included.
    for (const client of served) expect(await client.get('/health')).toBe('HTTP/1.1 200 OK');
    const body = JSON.stringify({ query: '{ product(id: "3") { name } }' });
    served[0].socket.write(`POST /graphql HTTP/1.1\r\nHost: bff.test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await waitFor('the GraphQL answer', async () => served[0].received.includes('"product":{"name":'), 5000);

    // One leaves: a new connection is served again.
    served[4].destroy();
    await waitFor(
      'a new connection to be served once one left',
      async () => {
        const next = new RawClient(stack.http!.url);
        try {
          await next.connected();
          return (await next.get('/health')) === 'HTTP/1.1 200 OK';
        } finally {
          next.destroy();
        }
      },
      5000,
    );
    for (const client of served) client.destroy();
  });
});
