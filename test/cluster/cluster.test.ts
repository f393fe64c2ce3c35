// Many instances, one system, really run: the mocks, one Redis (REDIS_TEST_URL), three BFF
// processes and Debian's HAProxy checking /ready, all on loopback (test/cluster/cluster.ts).
// Each scenario counts what happened (scenarios.ts) and the figures are printed at the end;
// `npm run cluster` runs the same and prints the same table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS, startCluster, type Cluster } from './cluster.js';
import { formatFigures, type Figures } from './figures.js';
import { findHaproxy } from './haproxy.js';
import { Customers, drainOnSigterm, killUnderLoad, replayAcrossInstances, sharedRateLimit } from './scenarios.js';

const REDIS_URL = process.env.REDIS_TEST_URL;
const HAPROXY = findHaproxy();
const missing = [...(REDIS_URL ? [] : ['REDIS_TEST_URL (a Redis to share)']), ...(HAPROXY ? [] : ['haproxy (apt-get install -y haproxy)'])];
if (missing.length) console.warn(`cluster.test.ts skipped: no ${missing.join(' and no ')}`);

describe.skipIf(missing.length > 0)('three BFF instances behind HAProxy, one Redis', () => {
  let cluster: Cluster;
  const customers = new Customers();
  const figures: Figures = {};
  const started = Date.now();

  beforeAll(async () => {
    cluster = await startCluster({ redisUrl: REDIS_URL!, haproxy: HAPROXY! });
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    figures.totalMs = Date.now() - started;
    console.log(`cluster figures (logs: ${cluster?.logDir}):\n${formatFigures(figures)}`);
  }, 30_000);

  it("a client's rate limit holds across instances: one budget, not one per instance", async () => {
    const r = (figures.rateLimit = await sharedRateLimit(cluster));
    expect(r.allowed).toBe(SETTINGS.rateLimitPoints);
    expect(r.limited).toBe(r.sent - SETTINGS.rateLimitPoints);
    expect(r.withRetryAfter).toBe(r.limited);
    // every instance counted into the same budget, and every one refused once it was spent
    for (const counts of Object.values(r.byInstance)) {
      expect(counts.allowed).toBeGreaterThan(0);
      expect(counts.limited).toBeGreaterThan(0);
    }
  }, 60_000);

  it('a checkout repeated on another instance replays; the same key on two instances at once makes one order', async () => {
    const { sequential: s, concurrent: c } = (figures.replay = await replayAcrossInstances(cluster, customers));
    expect(s.first).toMatchObject({ outcome: 'order', replayed: false });
    expect(s.repeat).toMatchObject({ outcome: 'order', replayed: true, orderId: s.first.orderId });
    expect([s.orders, s.notifications]).toEqual([1, 1]);
    expect(c.answers.map((a) => a.outcome)).toEqual(['order', 'order']);
    expect(c.answers[1]!.orderId).toBe(c.answers[0]!.orderId);
    expect(c.answers.map((a) => a.replayed).sort()).toEqual([false, true]);
    expect([c.orders, c.notifications]).toEqual([1, 1]);
  }, 60_000);

  it('an instance SIGKILLed under load: out of rotation within its checks, listings keep answering, each answered checkout once, its deliveries taken over', async () => {
    const k = (figures.kill = await killUnderLoad(cluster, customers, SETTINGS.kill));
    // HAProxy: the dead instance is DOWN within `fall` checks (plus one interval of scheduling),
    // and gets nothing after that.
    expect(k.lb.detectMs).toBeLessThanOrEqual(k.lb.checkBoundMs + cluster.lb.check.interMs);
    expect(k.lb.sentAfterDown).toBe(0);
    // Listings: every one answered in full, during and after the kill.
    expect(k.listings.outcomes).toEqual({ ok: k.listings.sent });
    expect(k.listings.okAfterKill).toBeGreaterThan(0);
    // Checkouts answered with an order: exactly once in the orders mock, notified exactly once.
    expect(k.answered.problems).toEqual([]);
    expect(k.answered.withOrder).toBeGreaterThan(0);
    expect(k.answered.orderOnce).toBe(k.answered.withOrder);
    expect(k.answered.notifiedOnce).toBe(k.answered.withOrder);
    // Any checkout the kill cut short made at most one order.
    expect(k.unanswered.withMore).toBe(0);
    // The victim's deliveries: back in the queue once their lock expired, and delivered once.
    expect(k.takeover.heldByVictim).toBeGreaterThan(0);
    expect(k.takeover.takenOver).toBe(k.takeover.heldByVictim);
    expect(k.takeover.completed).toBe(k.takeover.heldByVictim);
    expect(k.takeover.notificationsOnce).toBe(k.takeover.notifications);
    // Lock expiry (DELIVERY_LOCK_MS) plus the stalled check (every DELIVERY_LOCK_MS), with room for a busy machine.
    expect(k.takeover.releasedMs!.last).toBeLessThanOrEqual(2 * SETTINGS.lockMs + 2000);
  }, 120_000);

  it('an instance stopped with SIGTERM finishes its in-flight requests; nothing fails while HAProxy drains it', async () => {
    const d = (figures.drain = await drainOnSigterm(cluster, cluster.instances[1]!, SETTINGS.drain));
    expect(d.outcomes).toEqual({ ok: d.sent });
    expect(d.answeredAfterTerm).toBeGreaterThan(0);
    expect(d.answeredAfterTermOk).toBe(d.answeredAfterTerm);
    expect(Number.isFinite(d.outMs)).toBe(true);
    expect(d.exit).toBe('code 0');
  }, 60_000);
});
