import { ordersOfAnotherUser } from '../../errors/public-errors.js';
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
      throw ordersOfAnotherUser(Boolean(viewer));
    }
    return loaders.ordersByUser.load(user.id);
  },
};
