import type { OrderDto, OrderItemDto } from '../backends/orders/client.js';

export type OrderMapper = OrderDto;
export type OrderItemMapper = OrderItemDto;
