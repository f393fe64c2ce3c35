import type { PageInfoResolvers } from './../types.generated.js';

// Built by ProductConnection.pageInfo; its fields need no resolvers of their own.
export const PageInfo: PageInfoResolvers = {};
