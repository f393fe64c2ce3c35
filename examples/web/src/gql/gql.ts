/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment ProductCard on Product {\n    id\n    name\n    category\n    price {\n      amount\n      currency\n    }\n    stock {\n      inStock\n    }\n  }\n": typeof types.ProductCardFragmentDoc,
    "\n  query ProductListing($first: Int = 20, $after: String, $category: String) {\n    products(first: $first, after: $after, category: $category) {\n      nodes {\n        ...ProductCard\n        averageRating\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": typeof types.ProductListingDocument,
    "\n  query ProductPage($id: ID!, $reviews: Int = 5) {\n    product(id: $id) {\n      ...ProductCard\n      description\n      averageRating\n      stock {\n        available\n      }\n      reviews(first: $reviews) {\n        id\n        rating\n        body\n        createdAt\n        author {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.ProductPageDocument,
    "\n  query ViewerOrders {\n    viewer {\n      id\n      name\n      email\n      orders {\n        id\n        status\n        createdAt\n        total {\n          amount\n          currency\n        }\n        items {\n          quantity\n          unitPrice {\n            amount\n            currency\n          }\n          product {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.ViewerOrdersDocument,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        status\n        total {\n          amount\n          currency\n        }\n      }\n      error {\n        code\n        message\n      }\n      steps {\n        call\n        status\n        id\n      }\n      replayed\n    }\n  }\n": typeof types.PlaceOrderDocument,
};
const documents: Documents = {
    "\n  fragment ProductCard on Product {\n    id\n    name\n    category\n    price {\n      amount\n      currency\n    }\n    stock {\n      inStock\n    }\n  }\n": types.ProductCardFragmentDoc,
    "\n  query ProductListing($first: Int = 20, $after: String, $category: String) {\n    products(first: $first, after: $after, category: $category) {\n      nodes {\n        ...ProductCard\n        averageRating\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": types.ProductListingDocument,
    "\n  query ProductPage($id: ID!, $reviews: Int = 5) {\n    product(id: $id) {\n      ...ProductCard\n      description\n      averageRating\n      stock {\n        available\n      }\n      reviews(first: $reviews) {\n        id\n        rating\n        body\n        createdAt\n        author {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.ProductPageDocument,
    "\n  query ViewerOrders {\n    viewer {\n      id\n      name\n      email\n      orders {\n        id\n        status\n        createdAt\n        total {\n          amount\n          currency\n        }\n        items {\n          quantity\n          unitPrice {\n            amount\n            currency\n          }\n          product {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.ViewerOrdersDocument,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        status\n        total {\n          amount\n          currency\n        }\n      }\n      error {\n        code\n        message\n      }\n      steps {\n        call\n        status\n        id\n      }\n      replayed\n    }\n  }\n": types.PlaceOrderDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProductCard on Product {\n    id\n    name\n    category\n    price {\n      amount\n      currency\n    }\n    stock {\n      inStock\n    }\n  }\n"): typeof import('./graphql.js').ProductCardFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductListing($first: Int = 20, $after: String, $category: String) {\n    products(first: $first, after: $after, category: $category) {\n      nodes {\n        ...ProductCard\n        averageRating\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"): typeof import('./graphql.js').ProductListingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductPage($id: ID!, $reviews: Int = 5) {\n    product(id: $id) {\n      ...ProductCard\n      description\n      averageRating\n      stock {\n        available\n      }\n      reviews(first: $reviews) {\n        id\n        rating\n        body\n        createdAt\n        author {\n          id\n          name\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').ProductPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ViewerOrders {\n    viewer {\n      id\n      name\n      email\n      orders {\n        id\n        status\n        createdAt\n        total {\n          amount\n          currency\n        }\n        items {\n          quantity\n          unitPrice {\n            amount\n            currency\n          }\n          product {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').ViewerOrdersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        status\n        total {\n          amount\n          currency\n        }\n      }\n      error {\n        code\n        message\n      }\n      steps {\n        call\n        status\n        id\n      }\n      replayed\n    }\n  }\n"): typeof import('./graphql.js').PlaceOrderDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
