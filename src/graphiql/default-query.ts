/** What GraphiQL opens with: a product page's worth of data from four backends in one query. */
export const DEFAULT_QUERY = /* GraphQL */ `
  # One query, four backends (catalog, inventory, reviews, users), four calls.
  # Press Ctrl+Enter to run; open the Docs panel to explore the schema.
  query ProductPage {
    products(first: 5) {
      nodes {
        id
        name
        price {
          amount
          currency
        }
        stock {
          available
          inStock
        }
        averageRating
        reviews(first: 3) {
          rating
          body
          author {
            name
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;
