import { getOperationAST, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BackendError } from '../backends/errors.js';
import { BoundedLabel, type BffMetrics } from '../observability/metrics.js';
import { clusterMetricsView } from '../workers/metrics.js';

export interface MetricsOptions {
  metrics: BffMetrics;
  /** Where Prometheus scrapes; `false` records without serving (another process exposes them). @default '/metrics' */
  endpoint?: string | false;
  /** Distinct operation names kept as label values before the rest become `other`. @default 200 */
  maxOperationNames?: number;
}

/**
 * Prometheus: serves the registry at `GET /metrics` (on the main port: simplest, and the BFF's
 * port is not public in our deployments; block the path at the edge where it is), and records
 * each GraphQL operation's count, latency and errors by operation name and type. Backend and
 * DataLoader metrics are recorded where they happen (src/observability/backend-observer.ts).
 */
export function useMetrics({ metrics, endpoint = '/metrics', maxOperationNames = 200 }: MetricsOptions): Plugin {
  let graphqlEndpoint = '/graphql';
  const started = new WeakMap<Request, number>();
  const names = new BoundedLabel(maxOperationNames);
  // Codes are ours (BACKEND_*, GRAPHQL_*), but a resolver's error could carry any: bound them too.
  const codes = new BoundedLabel(50);
  // A cluster worker (WORKERS > 1) serves every worker's metrics, merged by the primary.
  const render = clusterMetricsView(metrics.registry) ?? (() => metrics.registry.metrics());
  return {
    onYogaInit({ yoga }) {
      graphqlEndpoint = yoga.graphqlEndpoint;
    },
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname === graphqlEndpoint) {
        started.set(request, performance.now());
        return;
      }
      if (endpoint === false || url.pathname !== endpoint) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const body = await render();
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' } }));
    },
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'unknown';
      const name = names.of(operation?.name?.value);
      const since = started.get(args.contextValue.request) ?? performance.now();
      return {
        onExecuteDone({ result }) {
          metrics.operationDuration.labels(name, type).observe((performance.now() - since) / 1000);
          // A stream (@defer, subscriptions) is counted when it starts; the BFF serves neither today.
          const single = 'errors' in result || 'data' in result ? result : undefined;
          const errors = single?.errors ?? [];
          const outcome = errors.length === 0 ? 'ok' : single?.data ? 'partial' : 'error';
          metrics.operations.labels(name, type, outcome).inc();
          for (const error of errors) metrics.operationErrors.labels(name, codes.of(codeOf(error))).inc();
        },
      };
    },
    onResponse({ request, response }) {
      if (started.has(request)) metrics.httpRequests.labels(String(response.status)).inc();
    },
  };
}

/** The code a client sees: what masking will put in `extensions.code`, if it is not there yet. */
function codeOf(error: GraphQLError): string {
  const code = error.extensions?.code;
  if (typeof code === 'string') return code;
  return error.originalError instanceof BackendError ? error.originalError.code : 'INTERNAL_SERVER_ERROR';
}
