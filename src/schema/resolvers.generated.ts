/* This file was automatically generated. DO NOT UPDATE MANUALLY. */
    import type   { Resolvers } from './types.generated.js';
    import    { order as Query_order } from './resolvers/Query/order.js';
import    { product as Query_product } from './resolvers/Query/product.js';
import    { products as Query_products } from './resolvers/Query/products.js';
import    { user as Query_user } from './resolvers/Query/user.js';
import    { viewer as Query_viewer } from './resolvers/Query/viewer.js';
import    { placeOrder as Mutation_placeOrder } from './resolvers/Mutation/placeOrder.js';
import    { CheckoutStep } from './resolvers/CheckoutStep.js';
import    { Money } from './resolvers/Money.js';
import    { Order } from './resolvers/Order.js';
import    { OrderItem } from './resolvers/OrderItem.js';
import    { PageInfo } from './resolvers/PageInfo.js';
import    { PlaceOrderError } from './resolvers/PlaceOrderError.js';
import    { PlaceOrderPayload } from './resolvers/PlaceOrderPayload.js';
import    { Product } from './resolvers/Product.js';
import    { ProductConnection } from './resolvers/ProductConnection.js';
import    { Review } from './resolvers/Review.js';
import    { Stock } from './resolvers/Stock.js';
import    { User } from './resolvers/User.js';
    export const resolvers: Resolvers = {
      Query: { order: Query_order,product: Query_product,products: Query_products,user: Query_user,viewer: Query_viewer },
      Mutation: { placeOrder: Mutation_placeOrder },
      
      CheckoutStep: CheckoutStep,
Money: Money,
Order: Order,
OrderItem: OrderItem,
PageInfo: PageInfo,
PlaceOrderError: PlaceOrderError,
PlaceOrderPayload: PlaceOrderPayload,
Product: Product,
ProductConnection: ProductConnection,
Review: Review,
Stock: Stock,
User: User
    }