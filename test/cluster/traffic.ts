/**
 * What the cluster run sends: GraphQL over real HTTP (listings and checkouts), each request
 * recorded with when it started and ended, how it ended, and which instance answered (HAProxy's
 * X-Served-By). Bounded in time and in concurrency.
 */
import { PLACE_ORDER } from '../writes/helpers.js';

export const LISTING = /* GraphQL */ `
  query Listing {
    products(first: 20) {
      nodes {
        id
        name
        price {
          amount
          currency
        }
        stock {
          available
        }
      }
    }
  }
`;

export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly servedBy: string | undefined;
  readonly retryAfter: string | null;
}

/** One POST /graphql; throws on a network failure or after `timeoutMs`. */
export async function graphql(url: string, query: string, options: { variables?: unknown; token?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { unparsable: text.slice(0, 200) };
  }
  return { status: response.status, body, servedBy: response.headers.get('x-served-by') ?? undefined, retryAfter: response.headers.get('retry-after') };
}

export interface Sent {
  readonly startedAt: number;
  readonly endedAt: number;
  /** `ok`, or how it failed: `http 502`, `graphql PRODUCTS…`, `network`, `timeout`, `incomplete`. */
  readonly outcome: string;
  readonly servedBy: string | undefined;
}

const failureOf = (error: unknown) => ((error as Error)?.name === 'TimeoutError' ? 'timeout' : 'network');

export async function listing(url: string, token: string): Promise<Sent> {
  const startedAt = Date.now();
  try {
    const a = await graphql(url, LISTING, { token });
    const nodes = a.body?.data?.products?.nodes;
    const outcome =
      a.status !== 200
        ? `http ${a.status}`
        : a.body.errors?.length
          ? `graphql ${a.body.errors[0]?.extensions?.code ?? 'error'}`
          : Array.isArray(nodes) && nodes.length === 20
            ? 'ok'
            : 'incomplete';
    return { startedAt, endedAt: Date.now(), outcome, servedBy: a.servedBy };
  } catch (error) {
    return { startedAt, endedAt: Date.now(), outcome: failureOf(error), servedBy: undefined };
  }
}

export interface Checkout {
  readonly userId: string;
  readonly productId: string;
  readonly idempotencyKey: string;
}

export interface CheckoutSent extends Sent, Checkout {
  /** Set when the answer carried an order. */
  readonly orderId: string | undefined;
  readonly replayed: boolean | undefined;
  /** The typed error of an answer without an order (`TEMPORARILY_UNAVAILABLE`, …). */
  readonly code: string | undefined;
}

export async function checkout(url: string, c: Checkout): Promise<CheckoutSent> {
  const startedAt = Date.now();
  try {
    const a = await graphql(url, PLACE_ORDER, {
      token: `token-${c.userId}`,
      variables: { input: { items: [{ productId: c.productId, quantity: 1 }], idempotencyKey: c.idempotencyKey } },
    });
    const result = a.body?.data?.placeOrder;
    const orderId: string | undefined = result?.order?.id ?? undefined;
    const code: string | undefined = result?.error?.code ?? a.body?.errors?.[0]?.extensions?.code ?? undefined;
    const outcome = a.status !== 200 ? `http ${a.status}` : orderId ? 'order' : code ? `error ${code}` : 'incomplete';
    return { ...c, startedAt, endedAt: Date.now(), outcome, servedBy: a.servedBy, orderId, replayed: result?.replayed, code };
  } catch (error) {
    return { ...c, startedAt, endedAt: Date.now(), outcome: failureOf(error), servedBy: undefined, orderId: undefined, replayed: undefined, code: undefined };
  }
}

export interface LoadOptions {
  readonly url: string;
  readonly durationMs: number;
  readonly listingConcurrency: number;
  readonly checkoutConcurrency: number;
  /** The next checkout to send, or undefined when there are no more. */
  readonly nextCheckout?: () => Checkout | undefined;
  /** Listings send a bearer token from a pool this large: each client stays far below the rate limit. */
  readonly tokenPrefix: string;
}

export interface LoadResult {
  readonly listings: readonly Sent[];
  readonly checkouts: readonly CheckoutSent[];
}

/** `concurrency` loops of listings and of checkouts, each sending its next request as soon as the last is answered, until `durationMs`. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const until = Date.now() + o.durationMs;
  const listings: Sent[] = [];
  const checkouts: CheckoutSent[] = [];
  let n = 0;
  const listingLoop = async () => {
    while (Date.now() < until) listings.push(await listing(o.url, `${o.tokenPrefix}-${n++ % 1000}`));
  };
  const checkoutLoop = async () => {
    while (Date.now() < until) {
      const next = o.nextCheckout?.();
      if (!next) return;
      checkouts.push(await checkout(o.url, next));
    }
  };
  await Promise.all([...Array.from({ length: o.listingConcurrency }, listingLoop), ...Array.from({ length: o.checkoutConcurrency }, checkoutLoop)]);
  return { listings, checkouts };
}

/** `{ ok: 812, 'http 502': 1 }`. */
export function countOutcomes(sent: readonly Sent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of sent) counts[s.outcome] = (counts[s.outcome] ?? 0) + 1;
  return counts;
}
