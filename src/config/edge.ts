/**
 * What the BFF accepts from the internet, before any backend is called (src/edge/). The
 * defaults are what a public storefront ships: its own pages' queries pass with room to spare
 * (deepest: 8 levels; costliest: 1,440, a 100-product listing 660), a hostile one does not.
 */
import { z } from 'zod';
import { readTrustedDocuments } from './trusted-documents.js';
import { crossProblem, envSection, whenValid, type Deployment } from './section.js';
import { flag, headerNames, integer, origins, proxyHops, text } from './variables.js';

export const edgeSchema = ({ env, redisUrl }: Deployment) =>
  z
    .object({
      MAX_DEPTH: integer(1).default(10).describe('deepest field nesting, fragments flattened'),
      MAX_ALIASES: integer(0).default(15).describe('aliases in one operation (each alias can re-run a field)'),
      MAX_DIRECTIVES: integer(0).default(20).describe('directives in one operation'),
      MAX_TOKENS: integer(1).default(2000).describe('lexical tokens in the document, counted while parsing'),
      MAX_ROOT_FIELDS: integer(1).default(10).describe('top-level fields in one operation (each starts backend work of its own)'),
      // src/edge/use-cost-limit.ts counts it; the README's "Query cost" has the figures.
      MAX_COST: integer(1).default(5000).describe('largest estimated cost: 10 per backend call + 1 per id sent or item asked'),
      MAX_LIST_SIZE: integer(1).default(100).describe('largest `first`/`last` a request may ask for, literal or variable'),
      MAX_BODY_BYTES: integer(1024)
        .default(100 * 1024)
        .describe('largest request body in bytes (compressed and decoded); more is `413` before parsing'),
      // A batch multiplies every per-request limit.
      BATCH_LIMIT: integer(0, 100).default(0).describe('operations in one batched (JSON array) request; `0`: batching off'),
      RATE_LIMIT_POINTS: integer(0).default(600).describe('requests one client may send per window; `0`: rate limiting off'),
      RATE_LIMIT_WINDOW_S: integer(1).default(60).describe('length of the rate-limit window, in seconds'),
      TRUST_PROXY: proxyHops().default(0).describe("proxies in front whose `X-Forwarded-For` entry names the client (`true` = 1; `0`: the socket's address)"),
      INTROSPECTION: flag()
        .default(env !== 'production')
        .describe('answer introspection queries (with `GRAPHIQL=true` in production, set `INTROSPECTION=true` too)'),
      FIELD_SUGGESTIONS: flag()
        .default(env !== 'production')
        .describe('"Did you mean …" in validation errors'),
      // Checked whole at start: a wrong hash is a build mistake, better found now than on a page's query.
      TRUSTED_DOCUMENTS: text()
        .optional()
        .meta({ accepts: 'path of a JSON manifest' })
        .describe('manifest `{ "<sha256>": "<document>" }` (codegen\'s client preset writes it): only its operations run'),
      // `*` lets any web page read the answers with the visitor's token: never in production.
      CORS_ORIGINS: origins()
        .default(env === 'production' ? Object.freeze([]) : '*')
        .describe('origins whose browser pages may call the BFF, comma-separated, or `*` (refused in production)'),
      CSRF_HEADERS: headerNames()
        .default(Object.freeze(['x-graphql-client-name', 'apollo-require-preflight', 'x-graphql-yoga-csrf']))
        .describe('headers of which one must be present on a request a browser sends without a preflight (GET, form posts)'),
    })
    .superRefine(({ CORS_ORIGINS: origins }, ctx) => {
      if (env === 'production' && origins === '*')
        ctx.addIssue(crossProblem('CORS_ORIGINS', 'CORS_ORIGINS must list the frontends\' origins in production, not "*"'));
    }, whenValid('CORS_ORIGINS'))
    .superRefine(({ TRUSTED_DOCUMENTS: manifest }, ctx) => {
      if (manifest === undefined) return;
      try {
        readTrustedDocuments(manifest);
      } catch (error) {
        ctx.addIssue(crossProblem('TRUSTED_DOCUMENTS', `TRUSTED_DOCUMENTS: ${(error as Error).message}`));
      }
    }, whenValid('TRUSTED_DOCUMENTS'))
    .transform((v) => ({
      edge: {
        maxDepth: v.MAX_DEPTH,
        maxAliases: v.MAX_ALIASES,
        maxDirectives: v.MAX_DIRECTIVES,
        maxTokens: v.MAX_TOKENS,
        maxRootFields: v.MAX_ROOT_FIELDS,
        maxCost: v.MAX_COST,
        maxListSize: v.MAX_LIST_SIZE,
        maxBodyBytes: v.MAX_BODY_BYTES,
        batchLimit: v.BATCH_LIMIT,
        rateLimitPoints: v.RATE_LIMIT_POINTS,
        rateLimitWindowS: v.RATE_LIMIT_WINDOW_S,
        /** The rate limiter's Redis: the deployment's (src/config/deployment.ts). */
        redisUrl,
        trustProxy: v.TRUST_PROXY,
        introspection: v.INTROSPECTION,
        fieldSuggestions: v.FIELD_SUGGESTIONS,
        trustedDocuments: v.TRUSTED_DOCUMENTS,
        corsOrigins: v.CORS_ORIGINS,
        csrfHeaders: v.CSRF_HEADERS,
      },
    }));

export type EdgeConfig = Readonly<z.infer<ReturnType<typeof edgeSchema>>['edge']>;

export const edgeSection = envSection({ id: 'edge', title: 'The edge', file: 'src/config/edge.ts' }, edgeSchema);
