import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createServer, type BffServer } from './server.js';

export interface RunningBff {
  /** e.g. `http://127.0.0.1:4000` */
  readonly url: string;
  readonly server: Server;
  /**
   * `/ready` turns 503 at once; the instance keeps serving for `shutdownDrainMs` (load balancers
   * see the 503 and stop sending), then stops accepting, lets in-flight requests finish (up to
   * `shutdownGraceMs`), and closes.
   */
  shutdown(): Promise<void>;
}

/** Starts the BFF on `config.host:config.port` (port 0 picks a free one). */
export async function listen(config: Config, logger: Logger, bff: BffServer = createServer({ config, logger })): Promise<RunningBff> {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = config.http;
  const server = createHttpServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default, which would let a
      // slow socket stay up to 40 s with a 10 s timeout); a pass over the sockets still
      // receiving a request is cheap.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    },
    bff.yoga,
  );
  if (maxConnections > 0) server.maxConnections = maxConnections;
  watchDroppedConnections(server, logger, maxConnections);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  bff.readiness.markListening();
  // While draining, every answer says `connection: close`, so keep-alive clients (a load
  // balancer's pooled connections too) open their next connection elsewhere.
  server.prependListener('request', (_request, response) => {
    if (bff.readiness.isDraining) response.setHeader('connection', 'close');
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      bff.readiness.markDraining();
      if (config.shutdownDrainMs > 0) {
        logger.info({ drainMs: config.shutdownDrainMs }, 'draining: /ready answers 503, still serving until load balancers stop sending');
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
      }
      logger.info({ graceMs: config.shutdownGraceMs }, 'shutting down: finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; busy ones end after their response.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const grace = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.shutdownGraceMs, 'timeout').unref());
      const outcome = await Promise.race([closed, grace]);
      clearInterval(sweep);
      if (outcome === 'timeout') {
        logger.warn('grace period over: closing the remaining connections');
        server.closeAllConnections();
      }
      await bff.close(outcome === 'timeout');
      logger.info('stopped');
    })());

  return { url, server, shutdown };
}

/** Connections refused at the cap, logged at most every 10 s with how many, not once each. */
function watchDroppedConnections(server: Server, logger: Logger, maxConnections: number): void {
  let dropped = 0;
  let quietUntil = 0;
  server.on('drop', () => {
    dropped++;
    const now = performance.now();
    if (now < quietUntil) return;
    quietUntil = now + 10_000;
    logger.warn({ dropped, maxConnections }, 'connection cap reached: new connections closed (MAX_CONNECTIONS)');
    dropped = 0;
  });
}
