/**
 * What frontends use beyond plain queries (src/edge/use-persisted-queries.ts,
 * use-cache-control.ts, use-incremental-delivery.ts, use-compression.ts).
 */
import { z } from 'zod';
import { envSection, type Deployment } from './section.js';
import { flag, integer } from './variables.js';

export const frontendSchema = ({ redisUrl }: Deployment) =>
  z
    .object({
      // Always off with TRUSTED_DOCUMENTS: only the manifest runs then.
      APQ: flag().default(true).describe("automatic persisted queries: a client sends a known document's sha256 alone (off with `TRUSTED_DOCUMENTS`)"),
      APQ_MAX_DOCUMENTS: integer(1, 1_000_000)
        .default(10_000)
        .describe("documents kept in each instance's memory (also at most 16 MiB), in front of Redis when there is one"),
      APQ_TTL_S: integer(1, 365 * 86_400)
        .default(86_400)
        .describe('how long a registered document is kept, in memory and in Redis (keys `<DELIVERY_PREFIX>:apq:<sha256>`)'),
      CDN_MAX_AGE_S: integer(0, 31_536_000)
        .default(60)
        .describe('longest `max-age` a cacheable GET answer gets for a shared cache (a CDN); `0`: none is marked cacheable'),
      DEFER_STREAM: flag().default(true).describe('`@defer` and `@stream`, answered over `multipart/mixed` or SSE'),
      COMPRESSION: flag().default(true).describe('gzip/brotli answers (never streamed ones) when the client accepts them; compressed request bodies accepted'),
      // Below it, compressing costs more than it saves.
      COMPRESSION_MIN_BYTES: integer(0).default(1024).describe('answers smaller than this are sent as they are'),
    })
    .transform((v) => ({
      frontend: {
        apq: v.APQ,
        apqMaxDocuments: v.APQ_MAX_DOCUMENTS,
        apqTtlS: v.APQ_TTL_S,
        /** The persisted documents' Redis: the deployment's (src/config/deployment.ts). */
        redisUrl,
        cdnMaxAgeS: v.CDN_MAX_AGE_S,
        deferStream: v.DEFER_STREAM,
        compression: v.COMPRESSION,
        compressionMinBytes: v.COMPRESSION_MIN_BYTES,
      },
    }));

export type FrontendConfig = Readonly<z.infer<ReturnType<typeof frontendSchema>>['frontend']>;

export const frontendSection = envSection({ id: 'frontend', title: 'Frontend features', file: 'src/config/frontend.ts' }, frontendSchema);
