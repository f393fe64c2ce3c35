/**
 * The four things the cluster run shows, each measured by counting: what the clients got, what
 * HAProxy saw, what the mocks recorded, and what the shared queue holds. Each returns its
 * figures; test/cluster/cluster.test.ts asserts on them and `npm run cluster` prints them.
 */
import type { Job } from 'bullmq';
import { waitUntil } from '../../bench/processes.js';
import { productsInStock } from '../writes/helpers.js';
import { SETTINGS, type Cluster, type Instance } from './cluster.js';
import { newOrders, notifiedOrders, ordersByUser, timesIn } from './records.js';
import { checkout, countOutcomes, graphql, runLoad, type Checkout, type CheckoutSent } from './traffic.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** First and last of some durations. */
export interface Span {
  readonly first: number;
  readonly last: number;
}
const span = (values: readonly number[]): Span | undefined => (values.length ? { first: Math.min(...values), last: Math.max(...values) } : undefined);

/** Users for checkouts, each used once per run: a user's new orders are then one checkout's. */
export class Customers {
  private next = 200;
  take(): string {
    if (this.next > 1000) throw new Error('out of customers (the mocks have 1,000 users)');
    return String(this.next++);
  }
}

// ---------------------------------------------------------------------------------------------

export interface RateLimitFigures {
  readonly limit: number;
  readonly sent: number;
  readonly allowed: number;
  readonly limited: number;
  /** Per instance: requests it answered 200 / 429 (the client went round the three directly). */
  readonly byInstance: Record<string, { allowed: number; limited: number }>;
  /** 429s that said when to come back. */
  readonly withRetryAfter: number;
}

/**
 * One client (one bearer token) sends `limit + 15` requests, in turn to each instance directly.
 * One budget shared through Redis lets exactly `limit` through; three budgets in memory would
 * have let all of them through.
 */
export async function sharedRateLimit(c: Cluster): Promise<RateLimitFigures> {
  const limit = SETTINGS.rateLimitPoints;
  const token = `rate-${c.runId}`;
  const byInstance: Record<string, { allowed: number; limited: number }> = Object.fromEntries(c.instances.map((i) => [i.name, { allowed: 0, limited: 0 }]));
  let withRetryAfter = 0;
  const sent = limit + 15;
  for (let n = 0; n < sent; n++) {
    const instance = c.instances[n % c.instances.length]!;
    const a = await graphql(instance.url, '{ __typename }', { token });
    if (a.status === 200) byInstance[instance.name]!.allowed++;
    else if (a.status === 429) {
      byInstance[instance.name]!.limited++;
      if (Number(a.retryAfter) > 0) withRetryAfter++;
    } else throw new Error(`rate limit scenario: ${instance.name} answered ${a.status}`);
  }
  const total = (k: 'allowed' | 'limited') => Object.values(byInstance).reduce((s, x) => s + x[k], 0);
  return { limit, sent, allowed: total('allowed'), limited: total('limited'), byInstance, withRetryAfter };
}

// ---------------------------------------------------------------------------------------------

export interface ReplayFigures {
  /** A checkout on bff1, then the same key on bff2. */
  readonly sequential: { first: CheckoutSent; repeat: CheckoutSent; orders: number; notifications: number };
  /** The same key on bff2 and bff3 at the same moment. */
  readonly concurrent: { answers: CheckoutSent[]; orders: number; notifications: number };
}

/** Waits until the queue has nothing left to deliver (nothing waiting, delayed or in progress). */
export async function queueDrained(c: Cluster, timeoutMs: number): Promise<void> {
  await waitUntil(
    'the delivery queue to drain',
    async () => {
      const counts = await c.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'paused');
      return Object.values(counts).every((n) => n === 0);
    },
    { timeoutMs, intervalMs: 100 },
  );
}

export async function replayAcrossInstances(c: Cluster, customers: Customers): Promise<ReplayFigures> {
  const [p1, p2] = await productsInStock(c, 2, 5);
  const [bff1, bff2, bff3] = c.instances as [Instance, Instance, Instance];

  const a = customers.take();
  const before = await ordersByUser(c.mocks.urls.orders, [a]);
  const key = `replay-${c.runId}`;
  const first = await checkout(bff1.url, { userId: a, productId: p1!, idempotencyKey: key });
  const repeat = await checkout(bff2.url, { userId: a, productId: p1!, idempotencyKey: key });

  const b = customers.take();
  const beforeB = await ordersByUser(c.mocks.urls.orders, [b]);
  const both: Checkout = { userId: b, productId: p2!, idempotencyKey: `concurrent-${c.runId}` };
  const answers = await Promise.all([checkout(bff2.url, both), checkout(bff3.url, both)]);

  await queueDrained(c, 20_000);
  const orders = newOrders(new Map([...before, ...beforeB]), await ordersByUser(c.mocks.urls.orders, [a, b]));
  const notified = await notifiedOrders(c.mocks.urls.notifications, [a, b]);
  return {
    sequential: { first, repeat, orders: orders.get(a)!.length, notifications: notified.get(a)!.length },
    concurrent: { answers, orders: orders.get(b)!.length, notifications: notified.get(b)!.length },
  };
}

// ---------------------------------------------------------------------------------------------

export interface KillFigures {
  readonly victim: string;
  readonly loadMs: number;
  /** DELIVERY_LOCK_MS of the instances. */
  readonly lockMs: number;
  readonly listings: { sent: number; outcomes: Record<string, number>; okAfterKill: number };
  readonly checkouts: { sent: number; outcomes: Record<string, number> };
  readonly lb: {
    /** From SIGKILL to HAProxy reporting the instance DOWN. */
    detectMs: number;
    /** What the config allows: `fall` failed checks `inter` apart. */
    checkBoundMs: number;
    /** Requests HAProxy sent to the victim after it marked it DOWN (sessions counted by HAProxy). */
    sentAfterDown: number;
    /** Requests HAProxy sent again, to another instance, during the scenario (all instances). */
    retried: number;
    redispatched: number;
  };
  /** Checkouts answered with an order: that order exactly once in the orders mock, its notification exactly once. */
  readonly answered: { withOrder: number; orderOnce: number; notifiedOnce: number; problems: string[] };
  /** Checkouts answered without an order, or not at all: orders of theirs in the mock (a checkout cut by the kill may have one). */
  readonly unanswered: { count: number; withNoOrder: number; withOneOrder: number; withMore: number };
  readonly takeover: {
    /** Deliveries in progress (locked) on any instance just before the kill. */
    heldAtKill: number;
    /** Of those, the victim's: their locks expired and another instance took them. */
    heldByVictim: number;
    takenOver: number;
    completed: number;
    /** Of the victim's notification deliveries: the notification exactly once in the mock. */
    notificationsOnce: number;
    notifications: number;
    /** From SIGKILL, first and last: back in the queue (lock expired, stalled check), started again elsewhere, delivered. */
    releasedMs: Span | undefined;
    startedAgainMs: Span | undefined;
    finishedMs: Span | undefined;
    /** Jobs of live instances that stalled too (a blocked event loop); harmless, redelivered once more. */
    stalledElsewhere: number;
  };
}

interface Held {
  readonly id: string;
  readonly worker: string;
}

/** Jobs in progress now, with the worker holding each (BullMQ's lock token is `<worker id>:<n>`). */
async function heldJobs(c: Cluster): Promise<Held[]> {
  const ids = await c.redis.lrange(c.queue.toKey('active'), 0, -1);
  const tokens = ids.length ? await c.redis.mget(ids.map((id) => `${c.queue.toKey(id)}:lock`)) : [];
  return ids.flatMap((id, i) => (tokens[i] ? [{ id, worker: tokens[i]!.split(':')[0]! }] : []));
}

/**
 * Under a bounded load of listings and checkouts through HAProxy, with notifications slow (so
 * deliveries are in progress on every instance), one instance is SIGKILLed.
 */
export async function killUnderLoad(
  c: Cluster,
  customers: Customers,
  options: { loadMs: number; killAfterMs: number; notificationLatencyMs: number },
): Promise<KillFigures> {
  const victim = c.instances[c.instances.length - 1]!;
  const products = await productsInStock(c, 40, 20);
  const users = Array.from({ length: 400 }, () => customers.take());
  const before = await ordersByUser(c.mocks.urls.orders, users);
  let n = 0;
  const nextCheckout = (): Checkout | undefined =>
    n < users.length ? { userId: users[n]!, productId: products[n % products.length]!, idempotencyKey: `kill-${c.runId}-${n++}` } : undefined;
  await c.backend.notifications.setFaults({ latencyMs: options.notificationLatencyMs, routes: ['POST /notifications'] });
  const lbBefore = await c.lb.stats();

  const load = runLoad({
    url: c.lb.url,
    durationMs: options.loadMs,
    listingConcurrency: 4,
    checkoutConcurrency: 3,
    nextCheckout,
    tokenPrefix: `kill-${c.runId}`,
  });
  await sleep(options.killAfterMs);
  const held = await heldJobs(c);
  const killAt = Date.now();
  await victim.kill();
  // Seen DOWN in the stats (for the session count); when HAProxy decided is in its log.
  let sessionsAtDown: number | undefined;
  while (Date.now() - killAt < 15_000) {
    const s = (await c.lb.stats())[victim.name]!;
    if (s.status.startsWith('DOWN')) {
      sessionsAtDown = s.sessions;
      break;
    }
    await sleep(20);
  }
  const downAt = c.lb.stateChanges().find((x) => x.server === victim.name && x.state === 'DOWN' && x.at >= killAt - 5)?.at;
  const result = await load;
  const lbAfter = await c.lb.stats();
  await c.backend.notifications.clearFaults();
  await queueDrained(c, 60_000);

  // Whose were the held jobs? The victim's never come back by themselves: every one of them
  // was moved back to the queue by the stalled check (its lock expired), so the worker whose
  // held jobs all stalled is the victim's.
  const jobs = new Map<string, Job | undefined>(await Promise.all(held.map(async (h) => [h.id, await c.queue.getJob(h.id)] as const)));
  const stalled = (id: string) => (jobs.get(id)?.stalledCounter ?? 0) >= 1;
  const workers = [...new Set(held.map((h) => h.worker))];
  const victimWorker = workers.find((w) => held.filter((h) => h.worker === w).every((h) => stalled(h.id)));
  const victims = held.filter((h) => h.worker === victimWorker);
  const taken = victims.map((h) => jobs.get(h.id)).filter((j): j is Job => j !== undefined);
  // When the stalled check put each back in the queue: BullMQ's 'stalled' events, whose stream
  // ids are Redis's clock in ms.
  const events = await c.redis.xrange(c.queue.toKey('events'), String(killAt - 1000), '+');
  const releasedAt = new Map<string, number>();
  for (const [id, fields] of events) {
    const f = Object.fromEntries(fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])));
    if (f.event === 'stalled' && f.jobId && !releasedAt.has(f.jobId)) releasedAt.set(f.jobId, Number(id.split('-')[0]));
  }
  const released = taken.filter((j) => releasedAt.has(String(j.id))).map((j) => releasedAt.get(String(j.id))! - killAt);
  const startedAgain = taken.filter((j) => stalled(String(j.id)) && (j.processedOn ?? 0) > killAt).map((j) => j.processedOn! - killAt);
  const finished = taken.filter((j) => (j.finishedOn ?? 0) > killAt).map((j) => j.finishedOn! - killAt);
  const completed = (await Promise.all(taken.map((j) => j.isCompleted()))).filter(Boolean).length;

  const orders = newOrders(before, await ordersByUser(c.mocks.urls.orders, users));
  const notified = await notifiedOrders(c.mocks.urls.notifications, users);
  const notificationJobs = taken.filter((j) => j.name === 'notification');
  const notificationsOnce = notificationJobs.filter((j) => {
    const { userId, payload } = (j.data as { notification: { userId: string; payload: { orderId: string } } }).notification;
    return timesIn(notified.get(userId), payload.orderId) === 1;
  }).length;

  const withOrder = result.checkouts.filter((x) => x.outcome === 'order');
  const problems: string[] = [];
  let orderOnce = 0;
  let notifiedOnce = 0;
  for (const x of withOrder) {
    const mine = orders.get(x.userId) ?? [];
    if (mine.length === 1 && mine[0] === x.orderId) orderOnce++;
    else problems.push(`checkout ${x.idempotencyKey} answered order ${x.orderId}; the orders mock has ${JSON.stringify(mine)} for user ${x.userId}`);
    const times = timesIn(notified.get(x.userId), x.orderId!);
    if (times === 1 && notified.get(x.userId)!.length === 1) notifiedOnce++;
    else problems.push(`order ${x.orderId}: notified ${times} time(s) (user ${x.userId} has ${JSON.stringify(notified.get(x.userId))})`);
  }
  const rest = result.checkouts.filter((x) => x.outcome !== 'order');
  const count = (k: (n: number) => boolean) => rest.filter((x) => k((orders.get(x.userId) ?? []).length)).length;
  const delta = (k: 'retries' | 'redispatches') => Object.keys(lbAfter).reduce((s, name) => s + lbAfter[name]![k] - (lbBefore[name]?.[k] ?? 0), 0);

  return {
    victim: victim.name,
    loadMs: options.loadMs,
    lockMs: SETTINGS.lockMs,
    listings: {
      sent: result.listings.length,
      outcomes: countOutcomes(result.listings),
      okAfterKill: result.listings.filter((l) => l.outcome === 'ok' && l.startedAt > killAt).length,
    },
    checkouts: { sent: result.checkouts.length, outcomes: countOutcomes(result.checkouts) },
    lb: {
      detectMs: downAt === undefined ? Number.POSITIVE_INFINITY : downAt - killAt,
      checkBoundMs: c.lb.check.fall * c.lb.check.interMs,
      sentAfterDown: sessionsAtDown === undefined ? Number.POSITIVE_INFINITY : lbAfter[victim.name]!.sessions - sessionsAtDown,
      retried: delta('retries'),
      redispatched: delta('redispatches'),
    },
    answered: { withOrder: withOrder.length, orderOnce, notifiedOnce, problems },
    unanswered: { count: rest.length, withNoOrder: count((k) => k === 0), withOneOrder: count((k) => k === 1), withMore: count((k) => k > 1) },
    takeover: {
      heldAtKill: held.length,
      heldByVictim: victims.length,
      takenOver: startedAgain.length,
      completed,
      notificationsOnce,
      notifications: notificationJobs.length,
      releasedMs: span(released),
      startedAgainMs: span(startedAgain),
      finishedMs: span(finished),
      stalledElsewhere: held.filter((h) => h.worker !== victimWorker && stalled(h.id)).length,
    },
  };
}

// ---------------------------------------------------------------------------------------------

export interface DrainFigures {
  readonly victim: string;
  readonly sent: number;
  readonly outcomes: Record<string, number>;
  /** Requests open at the victim when SIGTERM was sent (HAProxy's count)… */
  readonly inFlightAtTerm: number;
  /** …and the answers the victim gave to requests sent before SIGTERM, after it. */
  readonly answeredAfterTerm: number;
  readonly answeredAfterTermOk: number;
  /** From SIGTERM to HAProxy taking it out of rotation. */
  readonly outMs: number;
  /** How it exited, and when. */
  readonly exit: string;
  readonly exitMs: number;
}

/**
 * With the catalog slow (so listings are in flight on every instance), one instance gets
 * SIGTERM while the load goes on through HAProxy: it finishes what it holds and leaves.
 */
export async function drainOnSigterm(
  c: Cluster,
  victim: Instance,
  options: { loadMs: number; termAfterMs: number; catalogLatencyMs: number },
): Promise<DrainFigures> {
  await c.backend.catalog.setFaults({ latencyMs: options.catalogLatencyMs, routes: ['GET /products'] });
  const load = runLoad({ url: c.lb.url, durationMs: options.loadMs, listingConcurrency: 6, checkoutConcurrency: 0, tokenPrefix: `drain-${c.runId}` });
  await sleep(options.termAfterMs);
  const inFlightAtTerm = (await c.lb.stats())[victim.name]!.current;
  const termAt = Date.now();
  let exitMs = Number.NaN;
  const exited = victim.terminate().then((how) => {
    exitMs = Date.now() - termAt;
    return how;
  });
  const result = await load;
  const exit = await exited;
  // Out of rotation: HAProxy marked it DOWN (a /ready it failed, or a connection it refused).
  const outAt = c.lb.stateChanges().find((x) => x.server === victim.name && x.state === 'DOWN' && x.at >= termAt - 5)?.at;
  const outMs = outAt === undefined ? Number.NaN : outAt - termAt;
  await c.backend.catalog.clearFaults();
  const afterTerm = result.listings.filter((l) => l.servedBy === victim.name && l.startedAt < termAt && l.endedAt > termAt);
  return {
    victim: victim.name,
    sent: result.listings.length,
    outcomes: countOutcomes(result.listings),
    inFlightAtTerm,
    answeredAfterTerm: afterTerm.length,
    answeredAfterTermOk: afterTerm.filter((l) => l.outcome === 'ok').length,
    outMs,
    exit,
    exitMs,
  };
}
