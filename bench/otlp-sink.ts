/**
 * An OTLP/HTTP receiver that accepts and drops every export, for the `traced` mode: the
 * benchmark measures what tracing costs the BFF (spans, batching, serialising, sending), not
 * what a collector does with them. It runs in the benchmark's own process (counted as loadgen).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSink {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly url: string;
  /** Exports received, and their bodies' total size. */
  readonly received: { requests: number; bytes: number };
  close(): Promise<void>;
}

export async function startOtlpSink(port: number, host: string): Promise<OtlpSink> {
  const received = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (received.bytes += chunk.length));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') received.requests++;
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(req.method === 'POST' ? 200 : 405, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
