/**
 * The listening socket's limits (src/server/listen.ts), what a public edge ships: a client slow to send
 * its request holds a socket for seconds, not node's default minute, and the number of sockets
 * has a ceiling. Node 20 counts `headersTimeout` per request, from its first byte (or from the
 * connection); an idle keep-alive socket waits under `keepAliveTimeout` instead, so the old
 * advice to keep `headersTimeout` above `keepAliveTimeout` no longer applies.
 */
import { z } from 'zod';
import { crossProblem, envSection, whenValid } from './section.js';
import { integer } from './variables.js';

export const httpServerSchema = () =>
  z
    .object({
      HEADERS_TIMEOUT_MS: integer(100, 600_000)
        .default(10_000)
        .describe("time to receive a request's headers, from its first byte or the connection; then `408` and close"),
      HTTP_REQUEST_TIMEOUT_MS: integer(100, 3_600_000)
        .default(30_000)
        .describe("time to receive a whole request, headers and body; then `408` and close (not the answer: that is `REQUEST_TIMEOUT_MS`'s budget)"),
      // Above the idle timeout of the load balancer in front (AWS ALB and nginx: 60 s), so the
      // balancer closes first and never sends on a socket we are closing.
      KEEP_ALIVE_TIMEOUT_MS: integer(0, 3_600_000)
        .default(65_000)
        .describe("how long an idle keep-alive socket is kept for its next request (keep it above the load balancer's idle timeout)"),
      MAX_CONNECTIONS: integer(0, 1_000_000).default(4096).describe('open sockets at most; more are closed as soon as accepted; `0`: no cap'),
    })
    // Node refuses a server whose headers may take longer than the whole request.
    .superRefine(
      ({ HEADERS_TIMEOUT_MS: headers, HTTP_REQUEST_TIMEOUT_MS: request }, ctx) => {
        if (headers > request)
          ctx.addIssue(crossProblem('HEADERS_TIMEOUT_MS', `HEADERS_TIMEOUT_MS (${headers}) must not be more than HTTP_REQUEST_TIMEOUT_MS (${request})`));
      },
      whenValid('HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS'),
    )
    .transform((v) => ({
      http: {
        headersTimeoutMs: v.HEADERS_TIMEOUT_MS,
        requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: v.KEEP_ALIVE_TIMEOUT_MS,
        maxConnections: v.MAX_CONNECTIONS,
      },
    }));

export type HttpServerConfig = Readonly<z.infer<ReturnType<typeof httpServerSchema>>['http']>;

export const httpServerSection = envSection({ id: 'http', title: 'The listening socket', file: 'src/config/http-server.ts' }, httpServerSchema);
