import type { Logger } from 'pino';
import { BackendError } from '../backends/errors.js';
import type { BackendClients } from '../backends/index.js';
import type { ReservationDto } from '../backends/inventory/client.js';
import type { OrderDto } from '../backends/orders/client.js';
import { remainingMs } from '../backends/resilience/deadline.js';
import type { Config } from '../config.js';
import type { Delivery, DeliveryQueue } from '../queue/index.js';
import { idempotencyKeyReused, placeOrderUnauthenticated } from '../errors/public-errors.js';
import { KIND, type AuditEvent, type NotificationDelivery } from './follow-up-jobs.js';
import { checkoutKeys, itemsFingerprint, type CheckoutKeys } from './keys.js';
import type { CheckoutLedger } from './ledger.js';
import { errorCodeFor, failure, failureKind, type CheckoutOutcome, type CheckoutStep, type PlaceOrderResult } from './outcome.js';
import { undoOrder, undoReservation, type UndoOrder, type UndoReservation } from './undo.js';
import { validatePlaceOrder, type OrderLine, type PlaceOrderRequest } from './validate.js';

export interface CheckoutDeps {
  config: Config;
  queue: DeliveryQueue;
  ledger: CheckoutLedger;
  logger: Logger;
}

/** How often a repeat polls for the answer of the same checkout running elsewhere. */
const BUSY_POLL_MS = 50;

/**
 * What the checkout needs of the request that asks for it, as plain values: the placeOrder
 * resolver maps the GraphQL context into it, so the checkout runs (and is tested) without one.
 */
export interface CheckoutRequest {
  readonly requestId: string;
  /** When the request's time budget runs out (`performance.now()` clock). */
  readonly deadline: number;
  /** The request's logger. */
  readonly logger: Logger;
  /** The signed-in user (null without valid credentials); throws a BackendError when users cannot tell. */
  viewer(): Promise<{ readonly id: string } | null>;
  /**
   * Orders and inventory, bound to the request's deadline, credentials and trace but not to its
   * signal (BackendClients.detached): once the first write is sent, a client that hangs up must
   * not leave an order without its reservation.
   */
  readonly backends: Pick<BackendClients, 'orders' | 'inventory'>;
}

/** One checkout's context, passed between the steps. */
interface Run {
  readonly request: CheckoutRequest;
  readonly userId: string;
  readonly items: readonly OrderLine[];
  readonly keys: CheckoutKeys;
  readonly clients: CheckoutRequest['backends'];
  readonly log: Logger;
}

/**
 * placeOrder, the saga:
 *
 *   viewer → claim the key → create order ∥ reserve stock → decide
 *     both done: queue confirmation + audit → record → answer with the order
 *     one failed: undo the other (inline, with a durable copy queued first) → queue audit →
 *                 record → answer with a typed error
 *
 * Once the first write is sent, the checkout no longer listens to the client: a client that
 * hangs up must not leave an order without its reservation. Its calls keep the request's
 * deadline, and anything left undone by then is finished by the queue.
 */
export class Checkout {
  constructor(private readonly deps: CheckoutDeps) {}

  async place(request: CheckoutRequest, input: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const { items, idempotencyKey } = validatePlaceOrder(input);
    const userId = await this.viewerId(request);
    if (userId === undefined) return { ...failure('TEMPORARILY_UNAVAILABLE'), replayed: false };

    const keys = checkoutKeys(userId, idempotencyKey);
    const fingerprint = itemsFingerprint(items);
    const log = request.logger.child({ checkout: keys.id, userId });
    const claimed = await this.claim(request, keys.id, fingerprint, log);
    if (claimed !== 'claimed') return claimed;

    // Bound to the request's deadline and credentials, not to its signal (see above).
    const clients = request.backends;
    const run: Run = { request, userId, items, keys, clients, log };

    // The two critical calls, at the same time; each settles on its own.
    const [order, reservation] = await Promise.allSettled([
      clients.orders.createOrder({ userId, items }, keys.idempotency.createOrder),
      clients.inventory.reserve({ orderId: keys.orderReference, items }, keys.idempotency.reserveStock),
    ]);
    const outcome =
      order.status === 'fulfilled' && reservation.status === 'fulfilled'
        ? await this.placed(run, order.value, reservation.value)
        : await this.rolledBack(run, order, reservation);
    try {
      await this.deps.ledger.finish(keys.id, fingerprint, outcome, this.deps.config.delivery.idempotencyTtlS);
    } catch (error) {
      // The claim lapses on its own; a repeat then re-runs the saga, and every backend replays.
      log.warn({ err: error }, 'checkout outcome not recorded');
    }
    return { ...outcome, replayed: false };
  }

  /** The viewer's id; a GraphQL error without valid credentials; undefined when users is down. */
  private async viewerId(request: CheckoutRequest): Promise<string | undefined> {
    let viewer;
    try {
      viewer = await request.viewer();
    } catch (error) {
      if (!(error instanceof BackendError)) throw error;
      request.logger.warn({ err: error }, 'checkout: the viewer could not be identified');
      return undefined;
    }
    if (!viewer) throw placeOrderUnauthenticated();
    return viewer.id;
  }

  /**
   * Makes this request the one that runs the checkout, or answers for it: the recorded answer
   * of an earlier request with the same key, or, while one is still running, its answer once
   * it has one (polled until this request's deadline).
   */
  private async claim(request: CheckoutRequest, id: string, fingerprint: string, log: Logger): Promise<'claimed' | PlaceOrderResult> {
    // Longer than any checkout can run, so a live claim never lapses under its owner.
    const pendingMs = this.deps.config.requestTimeoutMs + 15_000;
    for (;;) {
      let claim;
      try {
        claim = await this.deps.ledger.claim(id, fingerprint, pendingMs);
      } catch (error) {
        log.warn({ err: error }, 'checkout: the idempotency records are unreachable; nothing was called');
        return { ...failure('TEMPORARILY_UNAVAILABLE'), replayed: false };
      }
      switch (claim.kind) {
        case 'claimed':
          return 'claimed';
        case 'done':
          return { ...claim.outcome, replayed: true };
        case 'mismatch':
          throw idempotencyKeyReused();
        case 'busy':
          if (remainingMs(request.deadline) < BUSY_POLL_MS * 2) {
            log.info('checkout: the same key is still being placed by another request; gave up waiting');
            return { ...failure('TEMPORARILY_UNAVAILABLE'), replayed: false };
          }
          await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
      }
    }
  }

  private async placed(run: Run, order: OrderDto, reservation: ReservationDto): Promise<CheckoutOutcome> {
    const outcome: CheckoutOutcome = {
      order,
      error: null,
      steps: [
        { call: 'CREATE_ORDER', status: 'SUCCEEDED', id: order.id },
        { call: 'RESERVE_STOCK', status: 'SUCCEEDED', id: reservation.id },
      ],
    };
    const notification: Delivery<NotificationDelivery> = {
      id: run.keys.jobs.notification,
      kind: KIND.notification,
      data: {
        notification: {
          userId: run.userId,
          kind: 'order-placed',
          payload: { orderId: order.id, total: order.total, items: order.items.map(({ productId, quantity }) => ({ productId, quantity })) },
        },
        idempotencyKey: run.keys.idempotency.notification,
      },
    };
    await Promise.all([this.enqueue(run, notification), this.enqueue(run, this.audit(run, outcome))]);
    run.log.info({ orderId: order.id, reservationId: reservation.id }, 'order placed');
    return outcome;
  }

  /** One critical call failed: undo the other, so nothing is half made. */
  private async rolledBack(run: Run, order: PromiseSettledResult<OrderDto>, reservation: PromiseSettledResult<ReservationDto>): Promise<CheckoutOutcome> {
    const orderError = order.status === 'rejected' ? order.reason : undefined;
    const reservationError = reservation.status === 'rejected' ? reservation.reason : undefined;
    const code = errorCodeFor(orderError, reservationError);
    const { keys, userId, items, clients } = run;
    const steps = await Promise.all([
      this.undo(
        run,
        'CREATE_ORDER',
        order,
        (orderId?: string): Delivery<UndoOrder> => ({
          id: keys.jobs.cancelOrder,
          kind: KIND.cancelOrder,
          data: { orderId, userId, items, createKey: keys.idempotency.createOrder, cancelKey: keys.idempotency.cancelOrder },
        }),
        (data) => undoOrder(clients.orders, data),
      ),
      this.undo(
        run,
        'RESERVE_STOCK',
        reservation,
        (reservationId?: string): Delivery<UndoReservation> => ({
          id: keys.jobs.releaseReservation,
          kind: KIND.releaseReservation,
          data: {
            reservationId,
            orderReference: keys.orderReference,
            items,
            reserveKey: keys.idempotency.reserveStock,
            releaseKey: keys.idempotency.releaseReservation,
          },
        }),
        (data) => undoReservation(clients.inventory, data),
      ),
    ]);
    const outcome = failure(code, steps);
    await this.enqueue(run, this.audit(run, outcome));
    run.log.info({ code, steps, orderError: describe(orderError), reservationError: describe(reservationError) }, 'order not placed');
    return outcome;
  }

  /**
   * What becomes of one critical call when the checkout fails. A call that surely did nothing
   * is FAILED. One that did something, or may have (no answer), is undone: a durable copy of
   * the compensation is queued first, delayed past this request's deadline, so that it
   * happens even if this instance dies now; then it is tried inline. Done inline, the copy is
   * withdrawn (COMPENSATED); failed, the copy runs from the queue, with retries, until it
   * succeeds (COMPENSATING).
   */
  private async undo<D>(
    run: Run,
    call: CheckoutStep['call'],
    result: PromiseSettledResult<{ id: string }>,
    delivery: (id?: string) => Delivery<D>,
    inline: (data: D) => Promise<string | null>,
  ): Promise<CheckoutStep> {
    if (result.status === 'rejected' && failureKind(result.reason) !== 'unknown') return { call, status: 'FAILED', id: null };
    const knownId = result.status === 'fulfilled' ? result.value.id : undefined;
    const compensation = delivery(knownId);
    const safetyDelayMs = Math.max(this.deps.config.delivery.backoffMs, remainingMs(run.request.deadline) + 1000);
    const queued = await this.enqueue(run, compensation, { delayMs: safetyDelayMs, untilDone: true });
    try {
      const undoneId = await inline(compensation.data);
      if (queued) await this.deps.queue.cancel(compensation.id).catch(() => false);
      // Nothing to undo after all: a call with no answer that had not happened.
      if (undoneId === null && knownId === undefined) return { call, status: 'FAILED', id: null };
      return { call, status: 'COMPENSATED', id: undoneId ?? knownId ?? null };
    } catch (error) {
      if (queued) run.log.warn({ err: error, delivery: compensation.id }, 'compensation failed inline: the queue retries it until it succeeds');
      else run.log.error({ err: error, delivery: compensation }, 'compensation failed and could not be queued: undo it by hand');
      return { call, status: 'COMPENSATING', id: knownId ?? null };
    }
  }

  private audit(run: Run, outcome: CheckoutOutcome): Delivery<AuditEvent> {
    const id = (call: CheckoutStep['call']) => outcome.steps.find((s) => s.call === call)?.id ?? null;
    return {
      id: run.keys.jobs.audit,
      kind: KIND.audit,
      data: {
        eventId: run.keys.jobs.audit,
        type: outcome.order ? 'order.placed' : 'order.not-placed',
        at: new Date().toISOString(),
        userId: run.userId,
        requestId: run.request.requestId,
        orderReference: run.keys.orderReference,
        orderId: id('CREATE_ORDER'),
        reservationId: id('RESERVE_STOCK'),
        items: run.items,
        error: outcome.error?.code ?? null,
        steps: outcome.steps,
      },
    };
  }

  /**
   * Queues a delivery; true when queued. A queue that cannot take it (Redis down) must not
   * undo an order already made for a confirmation e-mail: the failure is logged with the whole
   * delivery, so it can be replayed by hand, and the checkout goes on.
   */
  private async enqueue(run: Run, delivery: Delivery, options?: { delayMs?: number; untilDone?: boolean }): Promise<boolean> {
    try {
      await this.deps.queue.enqueue(delivery, options);
      return true;
    } catch (error) {
      run.log.error({ err: error, delivery }, 'delivery could not be queued');
      return false;
    }
  }
}

/** For the log line: what failed, never a backend's body (BackendError never holds one). */
function describe(error: unknown) {
  if (error === undefined) return undefined;
  return error instanceof BackendError
    ? { code: error.code, status: error.status, message: error.message }
    : { message: String((error as Error)?.message ?? error) };
}
