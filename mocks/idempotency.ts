/**
 * Remembers the first answer given for each idempotency key, so a retried
 * write (same `idempotency-key` header) gets that answer again and nothing
 * happens twice — which is what makes retrying a POST safe for the BFF.
 */
export interface StoredReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Header name, as Node lower-cases incoming headers. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on a replayed answer, so tests can tell a replay from a fresh write. */
export const REPLAYED_HEADER = 'idempotent-replayed';

export class IdempotencyStore {
  private readonly replies = new Map<string, StoredReply>();

  /** @param capacity Oldest keys are forgotten past this many, so a long benchmark cannot grow memory without bound. */
  constructor(private readonly capacity = 50_000) {}

  get(key: string): StoredReply | undefined {
    return this.replies.get(key);
  }

  set(key: string, reply: StoredReply): void {
    if (this.replies.size >= this.capacity) {
      // Maps iterate in insertion order, so the first key is the oldest.
      const oldest = this.replies.keys().next().value;
      if (oldest !== undefined) this.replies.delete(oldest);
    }
    this.replies.set(key, reply);
  }
}
