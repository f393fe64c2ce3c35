/**
 * The DTOs exactly as the REST contract (shared/design/backends.md) puts them on
 * the wire. Ids are strings; money is a decimal string, never a float.
 */

export interface Money {
  /** Decimal string with two places, e.g. "12.50". */
  readonly amount: string;
  readonly currency: 'EUR';
}

export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly createdAt: string;
}

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  /** Lowercase slug, e.g. "books". */
  readonly category: string;
  readonly price: Money;
}

export interface Review {
  readonly id: string;
  readonly productId: string;
  readonly authorId: string;
  /** 1–5. */
  readonly rating: number;
  readonly body: string | null;
  readonly createdAt: string;
}

export interface OrderItem {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';

export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly items: readonly OrderItem[];
  readonly total: Money;
}

export interface StockLevel {
  readonly productId: string;
  readonly available: number;
}
