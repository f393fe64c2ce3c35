import { getOperationAST, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Counter, Histogram } from 'prom-client';
import { BackendError } from '../backends/errors.js';
import { BoundedLabel, type BffMetrics } from '../observability/metrics.js';
import { whenAnswered } from './whole-answer.js';
import { requestStateOf } from '../observability/request-state.js';
import { clusterMetricsView } from './cluster-metrics.js';
import { PublicCode } from '../errors/public-errors.js';

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
 *
 * Each operation name's series are labelled once and kept (the names are bounded, so are they):
 * recording an operation is then a few method calls, with no label object built per request.
 */
export function useMetrics({ metrics, endpoint = '/metrics', maxOperationNames = 200 }: MetricsOptions): Plugin {
  let graphqlEndpoint = '/graphql';
  const names = new BoundedLabel(maxOperationNames);
  // Codes are ours (BACKEND_*, GRAPHQL_*), but a resolver's error could carry any: bound them too.
  const codes = new BoundedLabel(50);
  const operations = new Map<string, OperationSeries>();
  const seriesOf = (name: string, type: string): OperationSeries => {
    const key = `${type} ${name}`;
    let series = operations.get(key);
    if (!series) operations.set(key, (series = new OperationSeries(metrics, name, type)));
    return series;
  };
  const byStatus = new Map<number, Counter.Internal>();
  // A cluster worker (WORKERS > 1) serves every worker's metrics, merged by the primary.
  const render = clusterMetricsView(metrics.registry) ?? (() => metrics.registry.metrics());
  return {
    onYogaInit({ yoga }) {
      graphqlEndpoint = yoga.graphqlEndpoint;
    },
    // Not `async`: a GraphQL request must not pay for a promise (and yoga's hooks after this one
    // for awaiting it); only a scrape waits, for the registry.
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname === graphqlEndpoint) {
        requestStateOf(request).graphql = true;
        return;
      }
      if (endpoint === false || url.pathname !== endpoint) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      return render().then((body) => {
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : body, {
            headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
          }),
        );
      });
    },
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      const series = seriesOf(names.of(operation?.name?.value), operation?.operation ?? 'unknown');
      const since = requestStateOf(args.contextValue.request).started;
      return {
        // An incremental answer (@defer, @stream) is judged whole, when its last part is sent.
        onExecuteDone: ({ result }) =>
          whenAnswered(result, ({ errors, hasData }) => {
            series.duration.observe((performance.now() - since) / 1000);
            if (errors.length === 0) return series.ok.inc();
            (hasData ? series.partial : series.error).inc();
            for (const error of errors) series.errorsWith(codes.of(codeOf(error))).inc();
          }),
      };
    },
    onResponse({ request, response }) {
      if (!requestStateOf(request).graphql) return;
      let counter = byStatus.get(response.status);
      if (!counter) byStatus.set(response.status, (counter = metrics.httpRequests.labels(String(response.status))));
      counter.inc();
    },
  };
}

/** The code a client sees: what masking will put in `extensions.code`, if it is not there yet. */
function codeOf(error: GraphQLError): string {
  const code = error.extensions?.code;
  if (typeof code === 'string') return code;
  return error.originalError instanceof BackendError ? error.originalError.code : PublicCode.INTERNAL_SERVER_ERROR;
}

/** One operation's series (by name and type), labelled when the operation is first seen. */
class OperationSeries {
  readonly duration: Histogram.Internal<'operation' | 'type'>;
  readonly ok: Counter.Internal;
  readonly partial: Counter.Internal;
  readonly error: Counter.Internal;
  private readonly errors = new Map<string, Counter.Internal>();

  constructor(
    private readonly metrics: BffMetrics,
    private readonly name: string,
    type: string,
  ) {
    this.duration = metrics.operationDuration.labels(name, type);
    this.ok = metrics.operations.labels(name, type, 'ok');
    this.partial = metrics.operations.labels(name, type, 'partial');
    this.error = metrics.operations.labels(name, type, 'error');
  }

  /** The error counter for `code` (already bounded by the caller). */
  errorsWith(code: string): Counter.Internal {
    let counter = this.errors.get(code);
    if (!counter) this.errors.set(code, (counter = this.metrics.operationErrors.labels(this.name, code)));
    return counter;
  }
}
