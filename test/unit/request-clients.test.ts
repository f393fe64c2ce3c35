import { describe, expect, it } from 'vitest';
import { createBackendClients, type BackendTransports } from '../../src/backends/index.js';
import type { RequestScope } from '../../src/backends/http.js';
import { loadConfig, SERVICE_NAMES, type ServiceName } from '../../src/config.js';
import { createLoaders } from '../../src/graphql/loaders.js';

/**
 * A request's clients and loaders are made on first use, once, and belong to that request
 * alone. The transports here are fakes that record which backend was reached and with what scope.
 */
function recordingTransports() {
  const reached: ServiceName[] = [];
  const scopes: Partial<Record<ServiceName, RequestScope>> = {};
  const pool = (service: ServiceName) => ({
    items: async (scope: RequestScope) => {
      scopes[service] = scope;
      return { items: [], reusableUntil: 0 };
    },
    json: async (scope: RequestScope) => {
      scopes[service] = scope;
      return { items: [] };
    },
  });
  const transports = new Proxy({} as BackendTransports, {
    get(_target, service: ServiceName) {
      reached.push(service);
      return pool(service);
    },
  });
  return { transports, reached, scopes };
}

const scope: RequestScope = { signal: new AbortController().signal, deadline: performance.now() + 5000, requestId: 'r1', authorization: 'Bearer token-3' };
const config = loadConfig({ NODE_ENV: 'test' });

describe('a request’s backend clients', () => {
  it('are made on first use: a request that asks nothing makes none', () => {
    const { transports, reached } = recordingTransports();
    const clients = createBackendClients(transports, scope);
    const loaders = createLoaders(clients, config);
    expect(reached).toEqual([]);
    expect(clients.catalog).toBe(clients.catalog);
    expect(loaders.product).toBe(loaders.product);
    expect(reached).toEqual(['catalog']);
  });

  it('give the credentials to users and orders only', async () => {
    const { transports, scopes } = recordingTransports();
    const clients = createBackendClients(transports, scope);
    await Promise.all([
      clients.users.getUsers(['1']),
      clients.orders.getByUsers(['1']),
      clients.catalog.getProducts(['1']),
      clients.reviews.getByAuthors(['1']),
      clients.inventory.getStock(['1']),
      clients.notifications.send({ userId: '1', kind: 'k', payload: {} }, 'key').catch(() => undefined),
    ]);
    expect(Object.keys(scopes).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const service of SERVICE_NAMES) {
      const { authorization } = scopes[service]!;
      expect([service, authorization]).toEqual([service, service === 'users' || service === 'orders' ? 'Bearer token-3' : undefined]);
      expect(scopes[service]!.requestId).toBe('r1');
    }
  });
});

describe('a request’s loaders', () => {
  it('are never shared: what one request loaded is not in another’s cache', async () => {
    const first = createLoaders(createBackendClients(recordingTransports().transports, scope), config);
    const second = createLoaders(
      createBackendClients(recordingTransports().transports, { ...scope, requestId: 'r2', authorization: 'Bearer token-4' }),
      config,
    );
    expect(first.product).not.toBe(second.product);
    first.product.prime('1', { id: '1', name: 'seen by r1', category: 'c', price: { amount: '1.00', currency: 'EUR' } });
    expect((await first.product.load('1'))?.name).toBe('seen by r1');
    // The second request asks its own backend, which (a fake) has no such product.
    expect(await second.product.load('1')).toBeNull();
  });
});
