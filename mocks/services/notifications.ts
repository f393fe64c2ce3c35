import { badRequest, requireObject, requireString } from '../http.js';
import { ok, type ServiceDefinition } from '../server.js';

interface Notification {
  id: string;
  userId: string;
  kind: string;
  payload: unknown;
  createdAt: string;
}

/**
 * notifications (4006): accepts notifications (202: queued, not delivered
 * yet, as a real one would) and lists what was accepted, so a test can check
 * that checkout notified exactly once.
 */
export function notificationsService(): ServiceDefinition {
  const byUserId = new Map<string, Notification[]>();
  let nextId = 1;

  return {
    name: 'notifications',
    routes: [
      {
        method: 'POST',
        path: '/notifications',
        idempotent: true,
        handle: ({ body }) => {
          const input = requireObject(body, 'like { "userId": "1", "kind": "order-placed", "payload": {…} }');
          const userId = requireString(input, 'userId');
          const kind = requireString(input, 'kind');
          const notification: Notification = {
            id: `ntf-${nextId++}`,
            userId,
            kind,
            payload: input.payload ?? null,
            createdAt: new Date().toISOString(),
          };
          const list = byUserId.get(userId);
          if (list) list.push(notification);
          else byUserId.set(userId, [notification]);
          return { status: 202, body: { id: notification.id } };
        },
      },
      {
        method: 'GET',
        path: '/notifications',
        handle: ({ query }) => {
          const userId = query.get('userId');
          if (userId === null || userId === '') throw badRequest('GET /notifications needs userId=<id>');
          return ok({ items: byUserId.get(userId) ?? [] });
        },
      },
    ],
  };
}
