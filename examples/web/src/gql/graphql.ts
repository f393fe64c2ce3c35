/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The backend calls a checkout makes. */
export type CheckoutCall =
  /** The orders service creates the order. */
  | 'CREATE_ORDER'
  /** The inventory service holds the units. */
  | 'RESERVE_STOCK';

/** What became of a checkout call. */
export type CheckoutStepStatus =
  /** Done, then undone because the other call failed. */
  | 'COMPENSATED'
  /** Done (or perhaps done: no answer came), and being undone in the background until it is. */
  | 'COMPENSATING'
  /** Not done. */
  | 'FAILED'
  /** Done, and kept. */
  | 'SUCCEEDED';

/** One product and how many of it. */
export type OrderLineInput = {
  productId: string;
  /** 1 to 1000. */
  quantity: number;
};

/** The reasons an order is refused. Each one means nothing was ordered. */
export type PlaceOrderErrorCode =
  /** The order was refused (an unknown product, say). Nothing was ordered. */
  | 'ORDER_REJECTED'
  /** A product has fewer units available than asked for. Nothing was ordered. */
  | 'OUT_OF_STOCK'
  /** A service the order needs did not answer. Nothing was ordered; try again with a new `idempotencyKey`. */
  | 'TEMPORARILY_UNAVAILABLE';

/** What to order, and the key that makes a retry safe. */
export type PlaceOrderInput = {
  /**
   * Chosen by the client once per checkout (a UUID, say): 1 to 128 visible ASCII characters.
   * Sent again, it returns the first answer instead of ordering twice.
   */
  idempotencyKey: string;
  /** 1 to 100 lines. */
  items: Array<OrderLineInput>;
};

export type ProductCardFragment = { id: string, name: string, category: string, price: { amount: string, currency: string }, stock: { inStock: boolean } | null };

export type ProductListingQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  category?: string | null | undefined;
}>;


export type ProductListingQuery = { products: { nodes: Array<{ averageRating: number | null, id: string, name: string, category: string, price: { amount: string, currency: string }, stock: { inStock: boolean } | null }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type ProductPageQueryVariables = Exact<{
  id: string;
  reviews?: number | null | undefined;
}>;


export type ProductPageQuery = { product: { description: string | null, averageRating: number | null, id: string, name: string, category: string, stock: { available: number, inStock: boolean } | null, reviews: Array<{ id: string, rating: number, body: string | null, createdAt: string, author: { id: string, name: string } | null }> | null, price: { amount: string, currency: string } } | null };

export type ViewerOrdersQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerOrdersQuery = { viewer: { id: string, name: string, email: string | null, orders: Array<{ id: string, status: string, createdAt: string, total: { amount: string, currency: string }, items: Array<{ quantity: number, unitPrice: { amount: string, currency: string }, product: { id: string, name: string } | null }> }> | null } | null };

export type PlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type PlaceOrderMutation = { placeOrder: { replayed: boolean, order: { id: string, status: string, total: { amount: string, currency: string } } | null, error: { code: PlaceOrderErrorCode, message: string } | null, steps: Array<{ call: CheckoutCall, status: CheckoutStepStatus, id: string | null }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ProductCardFragmentDoc = new TypedDocumentString(`
    fragment ProductCard on Product {
  id
  name
  category
  price {
    amount
    currency
  }
  stock {
    inStock
  }
}
    `, {"fragmentName":"ProductCard"}) as unknown as TypedDocumentString<ProductCardFragment, unknown>;
export const ProductListingDocument = new TypedDocumentString(`
    query ProductListing($first: Int = 20, $after: String, $category: String) {
  products(first: $first, after: $after, category: $category) {
    nodes {
      ...ProductCard
      averageRating
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    fragment ProductCard on Product {
  id
  name
  category
  price {
    amount
    currency
  }
  stock {
    inStock
  }
}`, {"hash":"970de10cd8c3b7715b115db8fb4733dd39ef53e5aaaf4eaef1f7604272b38645"}) as unknown as TypedDocumentString<ProductListingQuery, ProductListingQueryVariables>;
export const ProductPageDocument = new TypedDocumentString(`
    query ProductPage($id: ID!, $reviews: Int = 5) {
  product(id: $id) {
    ...ProductCard
    description
    averageRating
    stock {
      available
    }
    reviews(first: $reviews) {
      id
      rating
      body
      createdAt
      author {
        id
        name
      }
    }
  }
}
    fragment ProductCard on Product {
  id
  name
  category
  price {
    amount
    currency
  }
  stock {
    inStock
  }
}`, {"hash":"55ba2c5ca8d33450b0bae683bb70c7d7b5a24434d88e2c4ba62f802c959c9fce"}) as unknown as TypedDocumentString<ProductPageQuery, ProductPageQueryVariables>;
export const ViewerOrdersDocument = new TypedDocumentString(`
    query ViewerOrders {
  viewer {
    id
    name
    email
    orders {
      id
      status
      createdAt
      total {
        amount
        currency
      }
      items {
        quantity
        unitPrice {
          amount
          currency
        }
        product {
          id
          name
        }
      }
    }
  }
}
    `, {"hash":"9b3dc922469572aa389ab0e0709fa5546677ecca27fda0afb36af0378b79c6d2"}) as unknown as TypedDocumentString<ViewerOrdersQuery, ViewerOrdersQueryVariables>;
export const PlaceOrderDocument = new TypedDocumentString(`
    mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order {
      id
      status
      total {
        amount
        currency
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
    `, {"hash":"2d12bf5055189c65d6a1fba035c5bde3681882d3ff4138e3d56d70dffa28cd86"}) as unknown as TypedDocumentString<PlaceOrderMutation, PlaceOrderMutationVariables>;