import type { GraphQLResolveInfo } from 'graphql';
import type { OrderMapper, OrderItemMapper } from './../mappers/order.mappers.js';
import type { ProductMapper, ProductConnectionMapper, StockMapper } from './../mappers/product.mappers.js';
import type { ReviewMapper } from './../mappers/review.mappers.js';
import type { UserMapper } from './../mappers/user.mappers.js';
import type { Context } from '../graphql/context.js';
export type Maybe<T> = T | null | undefined;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type EnumResolverSignature<T, AllowedValues = any> = { [key in keyof T]?: AllowedValues };
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string | number; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

/** The backend calls a checkout makes. */
export type CheckoutCall =
  /** The orders service creates the order. */
  | 'CREATE_ORDER'
  /** The inventory service holds the units. */
  | 'RESERVE_STOCK';

/** One call the checkout made to a backend, and its outcome. */
export type CheckoutStep = {
  __typename?: 'CheckoutStep';
  call: CheckoutCall;
  /** What the call made, when it is known: the order's id, the reservation's id. */
  id: Maybe<Scalars['ID']['output']>;
  status: CheckoutStepStatus;
};

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

/** An amount of money. `amount` is a decimal string (never a float), e.g. `"12.50"`. */
export type Money = {
  __typename?: 'Money';
  amount: Scalars['String']['output'];
  /** ISO 4217 code, e.g. `EUR`. */
  currency: Scalars['String']['output'];
};

/** Writes. A mutation may reach several backends; its payload says what it did to each. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Places an order for the viewer: needs the `Authorization: Bearer` token (`UNAUTHENTICATED`
   * without one).
   *
   * The order is created and its stock reserved at the same time. Both happen or neither does:
   * when one fails, the other is undone and `error` says why, as data (`OUT_OF_STOCK`,
   * `ORDER_REJECTED`, `TEMPORARILY_UNAVAILABLE`). The order confirmation is sent afterwards; the
   * answer does not wait for it.
   *
   * Safe to repeat: the same `idempotencyKey` (a retry, a double click, a second tab) gives the
   * same answer, and the order is made once. After an `error`, a new attempt needs a new key.
   */
  placeOrder: PlaceOrderPayload;
};


/** Writes. A mutation may reach several backends; its payload says what it did to each. */
export type MutationplaceOrderArgs = {
  input: PlaceOrderInput;
};

/** An order a customer placed, from the orders service. */
export type Order = {
  __typename?: 'Order';
  /** ISO 8601 timestamp. */
  createdAt: Scalars['String']['output'];
  customer: Maybe<User>;
  id: Scalars['ID']['output'];
  items: Array<OrderItem>;
  status: Scalars['String']['output'];
  total: Money;
};

/** One line of an order: the product, how many, and the price it was sold at. */
export type OrderItem = {
  __typename?: 'OrderItem';
  product: Maybe<Product>;
  quantity: Scalars['Int']['output'];
  unitPrice: Money;
};

/** One product and how many of it. */
export type OrderLineInput = {
  productId: Scalars['ID']['input'];
  /** 1 to 1000. */
  quantity: Scalars['Int']['input'];
};

/** Relay-style page information for cursor pagination. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page; null when there is none. */
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** Why `placeOrder` ordered nothing: a code to branch on and a sentence to show. */
export type PlaceOrderError = {
  __typename?: 'PlaceOrderError';
  code: PlaceOrderErrorCode;
  /** A sentence that can be shown to the customer. */
  message: Scalars['String']['output'];
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
  idempotencyKey: Scalars['String']['input'];
  /** 1 to 100 lines. */
  items: Array<OrderLineInput>;
};

/** What `placeOrder` did. Exactly one of `order` and `error` is set. */
export type PlaceOrderPayload = {
  __typename?: 'PlaceOrderPayload';
  /** Why nothing was ordered. */
  error: Maybe<PlaceOrderError>;
  /** The order, when it was placed. */
  order: Maybe<Order>;
  /** True when this is the answer given earlier to the same `idempotencyKey`. */
  replayed: Scalars['Boolean']['output'];
  /** Each call the checkout made to a backend, and what became of it. */
  steps: Array<CheckoutStep>;
};

/** A product of the catalog. Its stock and reviews come from other services and are null when those fail. */
export type Product = {
  __typename?: 'Product';
  /**
   * Mean rating over the product's reviews (the first 100 the reviews service returns);
   * null when it has none or they cannot be loaded.
   */
  averageRating: Maybe<Scalars['Float']['output']>;
  /** Category slug, e.g. `books`. */
  category: Scalars['String']['output'];
  description: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  price: Money;
  /** The product's reviews, at most `first` (0 to 100). */
  reviews: Maybe<Array<Review>>;
  /** Current stock, from the inventory service; null when it cannot be loaded. */
  stock: Maybe<Stock>;
};


/** A product of the catalog. Its stock and reviews come from other services and are null when those fail. */
export type ProductreviewsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of products, and how to ask for the next one. */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  nodes: Array<Product>;
  pageInfo: PageInfo;
};

/**
 * The storefront's read API. Every field fed by a backend is nullable: when a backend fails,
 * its fields come back as `null` with one entry in `errors[]` (with `extensions.code` and
 * `extensions.service`), and the rest of the answer is intact.
 */
export type Query = {
  __typename?: 'Query';
  /**
   * An order by id. Needs the customer's `Authorization: Bearer` token; null when the order
   * does not exist; an `UNAUTHENTICATED` error without a token, `FORBIDDEN` with another user's.
   */
  order: Maybe<Order>;
  /** A product by id, or null if there is none. */
  product: Maybe<Product>;
  /**
   * A page of the catalog, optionally in one category. `first` is at most 100.
   * Pass `pageInfo.endCursor` as `after` to continue.
   */
  products: ProductConnection;
  /** A user's public profile by id, or null if there is none. */
  user: Maybe<User>;
  /** The user behind the request's `Authorization: Bearer` token; null without a valid token. */
  viewer: Maybe<User>;
};


/**
 * The storefront's read API. Every field fed by a backend is nullable: when a backend fails,
 * its fields come back as `null` with one entry in `errors[]` (with `extensions.code` and
 * `extensions.service`), and the rest of the answer is intact.
 */
export type QueryorderArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The storefront's read API. Every field fed by a backend is nullable: when a backend fails,
 * its fields come back as `null` with one entry in `errors[]` (with `extensions.code` and
 * `extensions.service`), and the rest of the answer is intact.
 */
export type QueryproductArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The storefront's read API. Every field fed by a backend is nullable: when a backend fails,
 * its fields come back as `null` with one entry in `errors[]` (with `extensions.code` and
 * `extensions.service`), and the rest of the answer is intact.
 */
export type QueryproductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  category?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * The storefront's read API. Every field fed by a backend is nullable: when a backend fails,
 * its fields come back as `null` with one entry in `errors[]` (with `extensions.code` and
 * `extensions.service`), and the rest of the answer is intact.
 */
export type QueryuserArgs = {
  id: Scalars['ID']['input'];
};

/** A customer's review of a product, from the reviews service. */
export type Review = {
  __typename?: 'Review';
  author: Maybe<User>;
  body: Maybe<Scalars['String']['output']>;
  /** ISO 8601 timestamp. */
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  product: Maybe<Product>;
  /** 1 to 5. */
  rating: Scalars['Int']['output'];
};

/** How many units the inventory service can sell now. */
export type Stock = {
  __typename?: 'Stock';
  available: Scalars['Int']['output'];
  inStock: Scalars['Boolean']['output'];
};

/** A customer of the store. Their `orders` are shown only with their own bearer token. */
export type User = {
  __typename?: 'User';
  email: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** The user's orders (from the orders service). */
  orders: Maybe<Array<Order>>;
  /** Reviews the user wrote. */
  reviews: Maybe<Array<Review>>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  CheckoutCall: ResolverTypeWrapper<'CREATE_ORDER' | 'RESERVE_STOCK'>;
  CheckoutStep: ResolverTypeWrapper<Omit<CheckoutStep, 'call' | 'status'> & { call: ResolversTypes['CheckoutCall'], status: ResolversTypes['CheckoutStepStatus'] }>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CheckoutStepStatus: ResolverTypeWrapper<'SUCCEEDED' | 'FAILED' | 'COMPENSATED' | 'COMPENSATING'>;
  Money: ResolverTypeWrapper<Money>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Order: ResolverTypeWrapper<OrderMapper>;
  OrderItem: ResolverTypeWrapper<OrderItemMapper>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  OrderLineInput: OrderLineInput;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  PlaceOrderError: ResolverTypeWrapper<Omit<PlaceOrderError, 'code'> & { code: ResolversTypes['PlaceOrderErrorCode'] }>;
  PlaceOrderErrorCode: ResolverTypeWrapper<'OUT_OF_STOCK' | 'ORDER_REJECTED' | 'TEMPORARILY_UNAVAILABLE'>;
  PlaceOrderInput: PlaceOrderInput;
  PlaceOrderPayload: ResolverTypeWrapper<Omit<PlaceOrderPayload, 'error' | 'order' | 'steps'> & { error?: Maybe<ResolversTypes['PlaceOrderError']>, order?: Maybe<ResolversTypes['Order']>, steps: Array<ResolversTypes['CheckoutStep']> }>;
  Product: ResolverTypeWrapper<ProductMapper>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ProductConnection: ResolverTypeWrapper<ProductConnectionMapper>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Review: ResolverTypeWrapper<ReviewMapper>;
  Stock: ResolverTypeWrapper<StockMapper>;
  User: ResolverTypeWrapper<UserMapper>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  CheckoutStep: CheckoutStep;
  ID: Scalars['ID']['output'];
  Money: Money;
  String: Scalars['String']['output'];
  Mutation: Record<PropertyKey, never>;
  Order: OrderMapper;
  OrderItem: OrderItemMapper;
  Int: Scalars['Int']['output'];
  OrderLineInput: OrderLineInput;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  PlaceOrderError: PlaceOrderError;
  PlaceOrderInput: PlaceOrderInput;
  PlaceOrderPayload: Omit<PlaceOrderPayload, 'error' | 'order' | 'steps'> & { error?: Maybe<ResolversParentTypes['PlaceOrderError']>, order?: Maybe<ResolversParentTypes['Order']>, steps: Array<ResolversParentTypes['CheckoutStep']> };
  Product: ProductMapper;
  Float: Scalars['Float']['output'];
  ProductConnection: ProductConnectionMapper;
  Query: Record<PropertyKey, never>;
  Review: ReviewMapper;
  Stock: StockMapper;
  User: UserMapper;
};

export type CheckoutCallResolvers = EnumResolverSignature<{ CREATE_ORDER?: any, RESERVE_STOCK?: any }, ResolversTypes['CheckoutCall']>;

export type CheckoutStepResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CheckoutStep'] = ResolversParentTypes['CheckoutStep']> = {
  call?: Resolver<ResolversTypes['CheckoutCall'], ParentType, ContextType>;
  id?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CheckoutStepStatus'], ParentType, ContextType>;
};

export type CheckoutStepStatusResolvers = EnumResolverSignature<{ COMPENSATED?: any, COMPENSATING?: any, FAILED?: any, SUCCEEDED?: any }, ResolversTypes['CheckoutStepStatus']>;

export type MoneyResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  placeOrder?: Resolver<ResolversTypes['PlaceOrderPayload'], ParentType, ContextType, RequireFields<MutationplaceOrderArgs, 'input'>>;
};

export type OrderResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  customer?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['OrderItem']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type OrderItemResolvers<ContextType = Context, ParentType extends ResolversParentTypes['OrderItem'] = ResolversParentTypes['OrderItem']> = {
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PlaceOrderErrorResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PlaceOrderError'] = ResolversParentTypes['PlaceOrderError']> = {
  code?: Resolver<ResolversTypes['PlaceOrderErrorCode'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PlaceOrderErrorCodeResolvers = EnumResolverSignature<{ ORDER_REJECTED?: any, OUT_OF_STOCK?: any, TEMPORARILY_UNAVAILABLE?: any }, ResolversTypes['PlaceOrderErrorCode']>;

export type PlaceOrderPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PlaceOrderPayload'] = ResolversParentTypes['PlaceOrderPayload']> = {
  error?: Resolver<Maybe<ResolversTypes['PlaceOrderError']>, ParentType, ContextType>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  replayed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  steps?: Resolver<Array<ResolversTypes['CheckoutStep']>, ParentType, ContextType>;
};

export type ProductResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = {
  averageRating?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  reviews?: Resolver<Maybe<Array<ResolversTypes['Review']>>, ParentType, ContextType, RequireFields<ProductreviewsArgs, 'first'>>;
  stock?: Resolver<Maybe<ResolversTypes['Stock']>, ParentType, ContextType>;
};

export type ProductConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ProductConnection'] = ResolversParentTypes['ProductConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['Product']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryorderArgs, 'id'>>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType, RequireFields<QueryproductArgs, 'id'>>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, RequireFields<QueryproductsArgs, 'first'>>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryuserArgs, 'id'>>;
  viewer?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
};

export type ReviewResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Review'] = ResolversParentTypes['Review']> = {
  author?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  body?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  rating?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type StockResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Stock'] = ResolversParentTypes['Stock']> = {
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  inStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  orders?: Resolver<Maybe<Array<ResolversTypes['Order']>>, ParentType, ContextType>;
  reviews?: Resolver<Maybe<Array<ResolversTypes['Review']>>, ParentType, ContextType>;
};

export type Resolvers<ContextType = Context> = {
  CheckoutCall?: CheckoutCallResolvers;
  CheckoutStep?: CheckoutStepResolvers<ContextType>;
  CheckoutStepStatus?: CheckoutStepStatusResolvers;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderItem?: OrderItemResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PlaceOrderError?: PlaceOrderErrorResolvers<ContextType>;
  PlaceOrderErrorCode?: PlaceOrderErrorCodeResolvers;
  PlaceOrderPayload?: PlaceOrderPayloadResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductConnection?: ProductConnectionResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Review?: ReviewResolvers<ContextType>;
  Stock?: StockResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
};

