import type { Dataset } from '../data/seed.js';
import { bearerUserId, lookUpAll, notFound, notInRequestOrder, readIds, unauthorized } from '../http.js';
import { ok, type ServiceDefinition } from '../server.js';

/** users (4001): read-only people, plus `/me` for the bearer token's owner. */
export function usersService(data: Dataset): ServiceDefinition {
  return {
    name: 'users',
    routes: [
      {
        method: 'GET',
        path: '/users',
        cacheControl: 'public, max-age=60',
        handle: ({ query }) => ok({ items: notInRequestOrder(lookUpAll(readIds(query, 'ids'), data.usersById)) }),
      },
      {
        method: 'GET',
        path: '/users/:id',
        cacheControl: 'public, max-age=60',
        handle: ({ params }) => {
          const user = data.usersById.get(params.id);
          if (!user) throw notFound('user', params.id);
          return ok(user);
        },
      },
      {
        method: 'GET',
        path: '/me',
        cacheControl: 'private, max-age=60',
        handle: ({ headers }) => {
          const userId = bearerUserId(headers);
          const user = userId === undefined ? undefined : data.usersById.get(userId);
          if (!user) {
            throw unauthorized(
              headers.authorization === undefined
                ? 'GET /me needs authorization: Bearer token-<userId>'
                : 'authorization must be "Bearer token-<userId>" for an existing user',
            );
          }
          return ok(user);
        },
      },
    ],
  };
}
