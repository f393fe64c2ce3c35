/**
 * What the backends recorded, read straight from the mocks: the orders they hold and the
 * notifications they accepted, per user. The run counts effects here, not in the BFF.
 */
export async function ordersByUser(ordersUrl: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>(userIds.map((u) => [u, []]));
  // The bulk endpoint takes at most 100 ids.
  for (let i = 0; i < userIds.length; i += 100) {
    const response = await fetch(`${ordersUrl}/orders?userIds=${userIds.slice(i, i + 100).join(',')}`);
    const { items } = (await response.json()) as { items: { id: string; userId: string }[] };
    for (const order of items) byUser.get(order.userId)?.push(order.id);
  }
  return byUser;
}

/** Orders that appeared since `before`, per user. */
export function newOrders(before: Map<string, string[]>, after: Map<string, string[]>): Map<string, string[]> {
  return new Map([...after].map(([user, ids]) => [user, ids.filter((id) => !(before.get(user) ?? []).includes(id))]));
}

/** order-placed notifications the notifications mock accepted, per user: the order ids they name. */
export async function notifiedOrders(notificationsUrl: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  await Promise.all(
    userIds.map(async (u) => {
      const response = await fetch(`${notificationsUrl}/notifications?userId=${u}`);
      const { items } = (await response.json()) as { items: { kind: string; payload: { orderId?: string } | null }[] };
      byUser.set(
        u,
        items.filter((n) => n.kind === 'order-placed').map((n) => String(n.payload?.orderId)),
      );
    }),
  );
  return byUser;
}

/** How many times `id` appears in `list`. */
export const timesIn = (list: readonly string[] | undefined, id: string): number => (list ?? []).filter((x) => x === id).length;
