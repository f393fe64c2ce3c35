import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { checkWith, Id } from '../shape.js';

export const NotificationAcceptedDto = z.object({ id: Id });
export type NotificationAcceptedDto = z.infer<typeof NotificationAcceptedDto>;

const checkAccepted = checkWith(NotificationAcceptedDto);

export interface NotificationInput {
  readonly userId: string;
  /** e.g. `order-placed`. */
  readonly kind: string;
  readonly payload: unknown;
}

/**
 * The notifications service: accepts a message for a user (202, delivered by it later). Gets
 * no credentials: it is told whom to notify, it does not act for anyone.
 */
export class NotificationsClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
  ) {}

  /**
   * Sends one notification. The idempotency key makes a resend (our retry, a redelivery from
   * the queue) a replay of the first answer, so the user is notified once.
   */
  async send(notification: NotificationInput, idempotencyKey: string): Promise<NotificationAcceptedDto> {
    const request = { method: 'POST' as const, path: '/notifications', body: notification, headers: { 'idempotency-key': idempotencyKey } };
    return (await this.http.json(this.scope, request, checkAccepted))!;
  }
}
