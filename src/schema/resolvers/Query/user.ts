import type { QueryResolvers } from './../../types.generated.js';

export const user: NonNullable<QueryResolvers['user']> = (_parent, { id }, { loaders }) => loaders.user.load(id);
