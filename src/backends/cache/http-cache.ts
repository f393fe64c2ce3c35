import CachePolicy from 'http-cache-semantics';
import type { ServiceName } from '../../config.js';
import type { Answer, Call } from '../pipeline.js';
import type { ShapeCheck } from '../request.js';
import { outgoingHeaders, parseBody } from '../transport.js';
import { deepFreeze } from './freeze.js';
import type { CacheStore } from './store.js';

/** In this instance's memory: the checked value itself, so a hit neither parses nor validates. */
export interface LocalEntry {
  readonly policy: CachePolicy;
  /**
   * Until when (`Date.now()`, the library's clock) it may be served without asking the policy;
   * 0 when the answer varies with request headers. See `fresh()`.
   */
  readonly freshUntil: number;
  /** The check that produced `value`: another check of the same URL does not hit this entry. */
  readonly check: ShapeCheck<unknown>;
  readonly value: unknown;
  readonly status: number;
  /** Bytes of the body it was parsed from (the memory store's bound). */
  readonly size: number;
  /** The body itself, kept only with a shared store (to refresh it there after a 304). */
  readonly body?: string;
  /**
   * Until when this instance answers with it at once: `freshUntil`, or sooner when a shared
   * store bounds how long an entry stays in memory; 0 with `freshUntil` 0. See Sent.reusableUntil.
   */
  readonly reusableUntil: number;
}

/** An entry as made, before it is kept (keeping decides how long it is reusable). */
type NewEntry = Omit<LocalEntry, 'reusableUntil'>;

/** In a store shared by every instance: what it takes to check the value again elsewhere. */
export interface SharedEntry {
  readonly policy: CachePolicy.CachePolicyObject;
  readonly status: number;
  readonly body: string;
}

export interface HttpCacheOptions {
  readonly service: ServiceName;
  /** The backend's origin: entries of a shared store are keyed with it. */
  readonly origin: string;
  readonly local: CacheStore<LocalEntry>;
  /** Shared by every instance (Redis); read when this instance's memory has nothing. @default none */
  readonly shared?: CacheStore<SharedEntry>;
  /** Deep-freeze stored values (development and tests), so a mutation throws instead of leaking. */
  readonly freeze: boolean;
  /** With a shared store, the longest an entry stays in this instance's memory. @default 5000 */
  readonly localTtlMs?: number;
}

/**
 * How long a stale entry with an ETag or Last-Modified is kept past its freshness: a
 * revalidation answered 304 then costs no body, no parse and no check.
 */
const REVALIDATION_WINDOW_MS = 5 * 60_000;

/**
 * The rules of a shared HTTP cache (RFC 9111, as http-cache-semantics implements them, the
 * library make-fetch-happen uses): freshness from `Cache-Control` (`max-age`, `s-maxage`) and
 * `Expires`; revalidation with `ETag`/`Last-Modified` (a 304 keeps the stored value); never a
 * `no-store` or `private` answer, nor one to a request with credentials unless the backend
 * marks it public. Entries hold the checked value, keyed by path and query (and, as a value
 * only a given check made, by that check); a shared store holds the body, checked once per
 * instance when it first reads it.
 */
export class HttpCache {
  private readonly localTtlMs: number;

  constructor(private readonly options: HttpCacheOptions) {
    this.localTtlMs = options.localTtlMs ?? 5000;
  }

  /** The request as the cache rules see it: the headers the transport sends. */
  policyRequest(call: Call): CachePolicy.Request {
    return { url: call.url, method: 'GET', headers: outgoingHeaders(call.request, call.scope.requestId) };
  }

  /** This instance's entry for the call, else the shared store's, checked once; undefined: none. */
  lookup(call: Call): LocalEntry | undefined | Promise<LocalEntry | undefined> {
    const local = this.options.local.get(call.url) as LocalEntry | undefined;
    if (local?.check === call.check) return local;
    return this.options.shared ? this.fromShared(call) : undefined;
  }

  /**
   * This instance's entry for the call when it answers it as it is (fresh, made by the same
   * check); undefined otherwise, or when only the shared store could say. No I/O, no copy.
   */
  freshHit(call: Call): LocalEntry | undefined {
    const local = this.options.local.get(call.url) as LocalEntry | undefined;
    return local?.check === call.check && HttpCache.fresh(local, call, () => this.policyRequest(call)) ? local : undefined;
  }

  /**
   * Whether the entry answers the call without revalidation. The shortcut says what
   * `policy.satisfiesWithoutRevalidation` would (which copies the response's headers each
   * time) for the requests we make: same URL and method by the key, no Vary, and no
   * Cache-Control of the request's own; anything else asks the policy.
   */
  static fresh(entry: LocalEntry, call: Call, request: () => CachePolicy.Request): boolean {
    if (entry.freshUntil > 0 && call.request.headers?.['cache-control'] === undefined) return Date.now() < entry.freshUntil;
    return entry.policy.satisfiesWithoutRevalidation(request());
  }

  /** A stored entry answers the call as it is: the same (frozen) value for every hit. */
  static answer(entry: LocalEntry): Answer {
    return {
      value: entry.value,
      cached: true,
      status: entry.status,
      freshForSeconds: Math.max(0, entry.policy.timeToLive() / 1000),
      reusableUntil: entry.reusableUntil,
    };
  }

  /** Stores what the backend answered, when the rules allow; returns the answer to give. */
  fill(call: Call, request: CachePolicy.Request, answer: Answer): Answer {
    if (answer.status !== 200 || !answer.headers) return answer;
    const policy = new CachePolicy(request, { status: answer.status, headers: answer.headers }, { shared: true });
    const keepMs = this.keepMs(policy, answer.headers);
    if (!policy.storable() || keepMs <= 0) {
      void this.options.local.delete(call.url);
      return answer;
    }
    const value = this.options.freeze ? deepFreeze(answer.value) : answer.value;
    const body = answer.text ?? '';
    const kept = this.keep(
      call,
      {
        policy,
        freshUntil: freshUntil(policy, answer.headers),
        check: call.check,
        value,
        status: answer.status,
        size: body.length,
        body: this.options.shared ? body : undefined,
      },
      keepMs,
    );
    if (this.options.shared && !request.headers.authorization) this.share(call.url, { policy: policy.toObject(), status: answer.status, body }, keepMs);
    return kept.reusableUntil > 0 ? { ...answer, reusableUntil: kept.reusableUntil } : answer;
  }

  /** After a 304: the stored value stays, with the policy the revalidation gave; returns the entry kept. */
  refresh(call: Call, entry: LocalEntry, policy: CachePolicy, request: CachePolicy.Request): LocalEntry {
    const headers = policy.responseHeaders();
    const keepMs = this.keepMs(policy, headers);
    const kept = this.keep(call, { ...entry, policy, freshUntil: freshUntil(policy, headers) }, keepMs);
    if (this.options.shared && entry.body !== undefined && !request.headers.authorization) {
      this.share(call.url, { policy: policy.toObject(), status: entry.status, body: entry.body }, keepMs);
    }
    return kept;
  }

  private keepMs(policy: CachePolicy, headers: Readonly<Record<string, unknown>>): number {
    const ttl = policy.timeToLive();
    return headers.etag !== undefined || headers['last-modified'] !== undefined ? ttl + REVALIDATION_WINDOW_MS : ttl;
  }

  private keep(call: Call, made: NewEntry, keepMs: number): LocalEntry {
    const inMemoryMs = this.options.shared ? Math.min(keepMs, this.localTtlMs) : keepMs;
    const entry: LocalEntry = { ...made, reusableUntil: made.freshUntil > 0 ? Math.min(made.freshUntil, Date.now() + inMemoryMs) : 0 };
    void this.options.local.set(call.url, entry, inMemoryMs);
    return entry;
  }

  private share(url: string, entry: SharedEntry, keepMs: number): void {
    // Best effort: a store that is down or slow costs nothing but its absence.
    Promise.resolve()
      .then(() => this.options.shared!.set(this.sharedKey(url), entry, keepMs))
      .catch(() => undefined);
  }

  private async fromShared(call: Call): Promise<LocalEntry | undefined> {
    const shared = await Promise.resolve(this.options.shared!.get(this.sharedKey(call.url))).catch(() => undefined);
    if (!shared) return undefined;
    let value: unknown;
    try {
      value = parseBody(this.options.service, call.request, shared.status, shared.body, call.check);
    } catch {
      return undefined; // stored by an instance with another idea of the shape: not an answer here
    }
    const policy = CachePolicy.fromObject(shared.policy);
    const made: NewEntry = {
      policy,
      freshUntil: freshUntil(policy, policy.responseHeaders()),
      check: call.check,
      value: this.options.freeze ? deepFreeze(value) : value,
      status: shared.status,
      size: shared.body.length,
      body: shared.body,
    };
    return this.keep(call, made, policy.timeToLive() + REVALIDATION_WINDOW_MS);
  }

  private sharedKey(url: string): string {
    return `${this.options.origin}${url}`;
  }
}

function freshUntil(policy: CachePolicy, headers: Readonly<Record<string, unknown>>): number {
  return headers.vary === undefined ? Date.now() + policy.timeToLive() : 0;
}
