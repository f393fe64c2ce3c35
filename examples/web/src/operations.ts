import { graphql } from './gql/index.js';

/**
 * The operations a storefront page runs, written as a frontend writes them: `graphql()` from
 * the generated `gql/` folder returns a typed document, so `variables` and `data` are checked
 * by the compiler against the BFF's schema. `npm run codegen:web` regenerates `gql/` and the
 * trusted-documents manifest `gql/persisted-documents.json` from exactly these strings.
 */

/** What a product tile shows, on the listing and on the product page. */
export const productCard = graphql(`
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
`);

/** A page of the catalog: tiles and the cursor of the next page. */
export const productListing = graphql(`
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
`);

/** One product with its stock and its latest reviews. */
export const productPage = graphql(`
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
`);

/** The signed-in customer and their orders (needs `Authorization: Bearer`). */
export const viewerOrders = graphql(`
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
`);

/** The checkout: one key per attempt, so a retry or a double click orders once. */
export const placeOrder = graphql(`
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
`);
