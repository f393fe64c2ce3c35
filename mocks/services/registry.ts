import type { Dataset } from '../data/seed.js';
import type { ServiceDefinition } from '../server.js';
import { catalogService } from './catalog.js';
import { inventoryService } from './inventory.js';
import { notificationsService } from './notifications.js';
import { ordersService } from './orders.js';
import { reviewsService } from './reviews.js';
import { usersService } from './users.js';

/** The six backends of the contract, in the order of their default ports. */
export const SERVICES = ['users', 'catalog', 'reviews', 'inventory', 'orders', 'notifications'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze({
  users: 4001,
  catalog: 4002,
  reviews: 4003,
  inventory: 4004,
  orders: 4005,
  notifications: 4006,
});

/** Each call makes fresh per-instance state (stock, orders, notifications) over the shared dataset. */
export const SERVICE_FACTORIES: Readonly<Record<ServiceName, (data: Dataset) => ServiceDefinition>> = {
  users: usersService,
  catalog: catalogService,
  reviews: reviewsService,
  inventory: inventoryService,
  orders: ordersService,
  notifications: () => notificationsService(),
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICES as readonly string[]).includes(value);
}
