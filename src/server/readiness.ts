import { CircuitState } from 'cockatiel';
import type { Redis } from 'ioredis';
import type { BackendTransports } from '../backends/index.js';
import { SERVICE_NAMES, type ServiceName } from '../config.js';

/**
 * What `/ready` and `bff_backend_up` are made of. Two questions, kept apart on purpose:
 *
 * - **Can this instance serve?** (`/ready`'s status): it is listening, not draining, and the
 *   Redis it needs answers. A load balancer or Kubernetes acts on this, per instance.
 * - **How are the backends?** (metrics and `/ready?verbose`): they are shared by every instance,
 *   so a backend that is down is down for all of them. Letting it fail readiness would take
 *   every instance out of rotation at once and turn partial answers (every backend-fed field is
 *   nullable) into no answers: a cascading outage made by the health check.
 */

/** How a backend looks from here: its circuit breaker and the last answer of its `/health`. */
export interface BackendView {
  readonly up: boolean;
  readonly circuit: 'closed' | 'half_open' | 'open' | 'isolated';
  /** `pending` before the first probe has answered; `off` when probing is off. */
  readonly probe: 'ok' | 'failed' | 'pending' | 'off';
  /** Since the last probe answered (or failed); absent when none has. */
  readonly checkedAgoMs?: number;
}

const CIRCUIT_NAMES: Readonly<Record<CircuitState, BackendView['circuit']>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'isolated',
};

export interface BackendHealthOptions {
  /** Time between two rounds of `/health` probes; 0 turns probing off (the circuits alone then say). @default 10000 */
  intervalMs?: number;
  /** How long one probe may take before it counts as failed. @default 1000 */
  timeoutMs?: number;
}

/**
 * Each backend's health, from what already exists (its circuit breaker, which sees every real
 * call) and one cheap `GET /health` per backend per interval, so a quiet backend that died is
 * noticed too. The probes run in the background, one round at a time, each with a timeout,
 * never per `/ready` request: a load balancer polling `/ready` adds no traffic to the backends.
 */
export class BackendHealth {
  private readonly probes = new Map<ServiceName, { ok: boolean; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private readonly firstRound: Promise<void>;

  constructor(
    private readonly transports: BackendTransports,
    private readonly options: BackendHealthOptions = {},
  ) {
    const { intervalMs = 10_000 } = options;
    this.firstRound = intervalMs > 0 ? this.probe() : Promise.resolve();
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.probe(), intervalMs);
      // Probing must never be what keeps a stopping process alive.
      this.timer.unref();
    }
  }

  /** Up unless its circuit is not closed (open, half-open: still failing) or its last probe failed. */
  up(service: ServiceName): boolean {
    return this.view(service).up;
  }

  view(service: ServiceName): BackendView {
    const circuit = CIRCUIT_NAMES[this.transports[service].state.breaker];
    const last = this.probes.get(service);
    const probing = (this.options.intervalMs ?? 10_000) > 0;
    const probe = !probing ? 'off' : last === undefined ? 'pending' : last.ok ? 'ok' : 'failed';
    return {
      up: circuit === 'closed' && probe !== 'failed',
      circuit,
      probe,
      ...(last ? { checkedAgoMs: Math.round(performance.now() - last.at) } : {}),
    };
  }

  /** Every backend's view; waits for the first probe round if it is still running (bounded by the probe timeout). */
  async views(): Promise<Record<ServiceName, BackendView>> {
    await this.firstRound;
    return Object.fromEntries(SERVICE_NAMES.map((service) => [service, this.view(service)])) as Record<ServiceName, BackendView>;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private probe(): Promise<void> {
    // A round still running (a backend slow to fail) is not doubled by the next tick.
    this.round ??= Promise.all(
      SERVICE_NAMES.map(async (service) => {
        const ok = await this.transports[service].isHealthy(this.options.timeoutMs ?? 1000);
        this.probes.set(service, { ok, at: performance.now() });
      }),
    ).then(() => {
      this.round = undefined;
    });
    return this.round;
  }
}

/** A Redis that takes longer than this to answer PING cannot serve a checkout within its budget either. */
const REDIS_PING_TIMEOUT_MS = 500;

export interface ReadinessOptions {
  readonly backends: BackendHealth;
  /**
   * The Redis connection this instance cannot serve without (the writes' checkout records and
   * durable queue), when it has one. The rate limiter's is not listed: it counts in memory while
   * Redis is down, so it never makes the instance unready.
   */
  readonly redis?: Redis;
}

type Check = 'listening' | 'draining' | 'redis';

/**
 * `/ready`: 200 `{ status: "ready" }` when this instance can serve, else 503 with the checks
 * that fail (`listening`: not started yet, `draining`: shutting down, `redis`: unreachable).
 * `/ready?verbose` adds the instance's checks and each backend's health, which never decide
 * the status. Names only, never addresses or error details.
 */
export class Readiness {
  private listening = false;
  private draining = false;
  private ping: Promise<boolean> | undefined;

  constructor(private readonly options: ReadinessOptions) {}

  /** The socket is open: set by `listen()`. */
  markListening(): void {
    this.listening = true;
  }

  /** Shutting down: `/ready` answers 503 from now on, while in-flight requests finish. */
  markDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The check of yoga's `useReadinessCheck`. */
  readonly check = async ({ request }: { request: Request }): Promise<Response> => {
    const redis = this.options.redis ? ((await this.redisAnswers()) ? 'up' : 'down') : 'not configured';
    const failing: Check[] = [];
    if (!this.listening) failing.push('listening');
    if (this.draining) failing.push('draining');
    if (redis === 'down') failing.push('redis');
    const status = failing.length === 0 ? 'ready' : 'not ready';
    const body: Record<string, unknown> = failing.length === 0 ? { status } : { status, failing };
    if (new URL(request.url).searchParams.has('verbose')) {
      body.instance = { listening: this.listening, draining: this.draining, redis };
      body.backends = await this.options.backends.views();
    }
    return Response.json(body, { status: failing.length === 0 ? 200 : 503, headers: { 'cache-control': 'no-store' } });
  };

  /**
   * Connected, and answering PING in time. Concurrent checks share one PING, so a burst of
   * `/ready` requests is one round trip to Redis.
   */
  private redisAnswers(): Promise<boolean> {
    const redis = this.options.redis!;
    // Not connected (reconnecting, or never was): no need to ask.
    if (redis.status !== 'ready') return Promise.resolve(false);
    this.ping ??= new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS);
      redis
        .ping()
        .then(
          (answer) => resolve(answer === 'PONG'),
          () => resolve(false),
        )
        .finally(() => clearTimeout(timer));
    }).finally(() => {
      this.ping = undefined;
    });
    return this.ping;
  }
}
