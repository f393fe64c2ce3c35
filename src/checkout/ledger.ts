import type { Redis } from 'ioredis';
import type { CheckoutOutcome } from './outcome.js';

/**
 * The checkout's idempotency records: for each (user, key), either "in progress" or the answer
 * given. The backends' own idempotency keys make each write happen once; this makes the whole
 * checkout answer once:
 *
 * - a repeat after the answer gets the same answer, without calling anything again;
 * - a repeat while the first is still running waits for it, instead of racing it. Racing is
 *   not harmless: a reservation released by the first (its order failed) would be replayed to
 *   the second as "held", and the second would report an order with nothing reserved.
 *
 * With Redis the records are shared, so two instances given the same key behave as one.
 */
export type Claim =
  /** Ours to run. */
  | { readonly kind: 'claimed' }
  /** Another request is running it now. */
  | { readonly kind: 'busy' }
  /** Already answered: this is the answer. */
  | { readonly kind: 'done'; readonly outcome: CheckoutOutcome }
  /** The key was used with different items. */
  | { readonly kind: 'mismatch' };

export interface CheckoutLedger {
  /** Claims the checkout `id` for `pendingMs` (after which a crashed claimer's claim lapses). */
  claim(id: string, fingerprint: string, pendingMs: number): Promise<Claim>;
  /** Records the answer for `ttlS` seconds. */
  finish(id: string, fingerprint: string, outcome: CheckoutOutcome, ttlS: number): Promise<void>;
  /** Drops a claim that changed nothing (no backend was written to), so a repeat runs afresh. */
  release(id: string): Promise<void>;
}

type Entry = { state: 'pending'; fingerprint: string } | { state: 'done'; fingerprint: string; outcome: CheckoutOutcome };

function toClaim(entry: Entry, fingerprint: string): Claim {
  if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
  return entry.state === 'done' ? { kind: 'done', outcome: entry.outcome } : { kind: 'busy' };
}

/** In this process only: enough for one instance, forgotten on restart like the in-process queue. */
export class MemoryLedger implements CheckoutLedger {
  private readonly entries = new Map<string, { entry: Entry; expiresAt: number }>();

  async claim(id: string, fingerprint: string, pendingMs: number): Promise<Claim> {
    this.forgetExpired();
    const found = this.entries.get(id);
    if (found) return toClaim(found.entry, fingerprint);
    this.entries.set(id, { entry: { state: 'pending', fingerprint }, expiresAt: Date.now() + pendingMs });
    return { kind: 'claimed' };
  }

  async finish(id: string, fingerprint: string, outcome: CheckoutOutcome, ttlS: number): Promise<void> {
    this.entries.delete(id);
    this.entries.set(id, { entry: { state: 'done', fingerprint, outcome }, expiresAt: Date.now() + ttlS * 1000 });
  }

  async release(id: string): Promise<void> {
    this.entries.delete(id);
  }

  private forgetExpired(): void {
    const now = Date.now();
    // Insertion order is roughly expiry order (same TTLs): stop at the first one still valid
    // that was finished, since pending ones expire sooner but are few.
    for (const [id, { entry, expiresAt }] of this.entries) {
      if (expiresAt <= now) this.entries.delete(id);
      else if (entry.state === 'done') break;
    }
  }
}

/** Redis keys `<prefix>:checkout:<id>`, one JSON value each, expiring on their own. */
export class RedisLedger implements CheckoutLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(id: string, fingerprint: string, pendingMs: number): Promise<Claim> {
    const key = this.key(id);
    const pending: Entry = { state: 'pending', fingerprint };
    // Two tries: the entry seen by GET can expire between a failed SET NX and the GET.
    for (let i = 0; i < 2; i++) {
      if ((await this.redis.set(key, JSON.stringify(pending), 'PX', pendingMs, 'NX')) === 'OK') return { kind: 'claimed' };
      const raw = await this.redis.get(key);
      if (raw !== null) return toClaim(JSON.parse(raw) as Entry, fingerprint);
    }
    return { kind: 'busy' };
  }

  async finish(id: string, fingerprint: string, outcome: CheckoutOutcome, ttlS: number): Promise<void> {
    const done: Entry = { state: 'done', fingerprint, outcome };
    await this.redis.set(this.key(id), JSON.stringify(done), 'EX', ttlS);
  }

  async release(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return `${this.prefix}:checkout:${id}`;
  }
}
