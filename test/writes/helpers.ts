import type { BffServer } from '../../src/server/server.js';
import type { GraphQLResponse, Stack } from '../helpers/stack.js';

export const PLACE_ORDER = /* GraphQL */ `
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order {
        id
        status
        total {
          amount
          currency
        }
        items {
          quantity
          product {
            id
          }
        }
      }
      error {
        code
        message
      }
      steps {
        call
        status
        id
      }
      replayed
    }
  }
`;

export interface Line {
  productId: string;
  quantity: number;
}

/** Only what tests need to reach: the mocks' base URLs and the BFF's GraphQL endpoint. */
export interface Target {
  mocks: { urls: Record<string, string> };
  query: Stack['query'];
}

export function placeOrder(
  target: Pick<Target, 'query'>,
  userId: string | undefined,
  items: Line[],
  idempotencyKey: string,
  extraHeaders: Record<string, string> = {},
): Promise<GraphQLResponse> {
  const headers: Record<string, string> = { ...(userId ? { authorization: `Bearer token-${userId}` } : {}), ...extraHeaders };
  return target.query(PLACE_ORDER, { variables: { input: { items, idempotencyKey } }, headers });
}

/** Units available now, straight from the inventory mock. */
export async function stockOf(target: Pick<Target, 'mocks'>, productId: string): Promise<number> {
  const response = await fetch(`${target.mocks.urls.inventory}/stock?productIds=${productId}`);
  const { items } = (await response.json()) as { items: Array<{ productId: string; available: number }> };
  return items[0]!.available;
}

/** What the notifications mock has accepted for a user. */
export async function notificationsOf(target: Pick<Target, 'mocks'>, userId: string): Promise<Array<{ id: string; kind: string; payload: any }>> {
  const response = await fetch(`${target.mocks.urls.notifications}/notifications?userId=${userId}`);
  return ((await response.json()) as { items: Array<{ id: string; kind: string; payload: any }> }).items;
}

/** An order as its customer sees it, straight from the orders mock. */
export async function orderOf(target: Pick<Target, 'mocks'>, userId: string, orderId: string): Promise<{ id: string; status: string }> {
  const response = await fetch(`${target.mocks.urls.orders}/orders/${orderId}`, { headers: { authorization: `Bearer token-${userId}` } });
  return (await response.json()) as { id: string; status: string };
}

/** Products with at least `min` units, distinct per call so tests never share stock. */
export async function productsInStock(target: Pick<Target, 'mocks'>, count: number, min = 5, from = 1): Promise<string[]> {
  const ids = Array.from({ length: 100 }, (_, i) => String(from + i));
  const response = await fetch(`${target.mocks.urls.inventory}/stock?productIds=${ids.join(',')}`);
  const { items } = (await response.json()) as { items: Array<{ productId: string; available: number }> };
  const found = items
    .filter((s) => s.available >= min)
    .map((s) => s.productId)
    .sort((a, b) => Number(a) - Number(b));
  if (found.length < count) throw new Error(`only ${found.length} products from ${from} have ${min}+ units; the test needs ${count}`);
  return found.slice(0, count);
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A BFF's fetch handler, in-process (no socket), as a plain fetch function. */
export function inProcess(server: BffServer): (url: string, init: RequestInit) => Promise<Response> {
  return async (url, init) => server.yoga.fetch(new Request(url, init));
}

/** Calls the admin endpoint of an in-process BFF. */
export async function admin(server: BffServer, method: string, path = '', token = ADMIN_TOKEN) {
  const response = await inProcess(server)(`http://bff.test/admin/deliveries${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
