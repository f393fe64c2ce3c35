import { GraphQLError } from 'graphql';
import type { UserResolvers } from './../types.generated.js';

export const User: UserResolvers = {
  reviews: (user, _args, { loaders }) => loaders.reviewsByAuthor.load(user.id),
  /**
   * Orders are private: only the user behind the request's token sees theirs. Anyone else
   * gets FORBIDDEN for this field alone, and the orders service is not asked.
   */
  orders: async (user, _args, { loaders }) => {
    const viewer = await loaders.viewer();
    if (viewer?.id !== user.id) {
      throw new GraphQLError("Only the user themselves can see their orders: send that user's bearer token.", {
        extensions: { code: viewer ? 'FORBIDDEN' : 'UNAUTHENTICATED' },
      });
    }
    return loaders.ordersByUser.load(user.id);
  },
};
