import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { bulkAnswer, type BulkAnswer, type InvalidItemReport } from '../bulk-answer.js';
import { checkItems, checkWith, Id, Timestamp } from '../shape.js';

export const UserDto = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable().optional(),
  createdAt: Timestamp,
});
export type UserDto = z.infer<typeof UserDto>;

const checkUser = checkWith(UserDto);
const checkUsers = checkItems(UserDto, 'id');

/** The users service: public profiles in bulk, and the caller's own profile by token. */
export class UsersClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
    /** Told of each item of a bulk answer that broke the contract (the log). */
    private readonly report?: InvalidItemReport,
  ) {}

  /** Bulk lookup (≤ maxBatchSize ids); unknown ids are absent from the result, in any order. */
  async getUsers(ids: readonly string[]): Promise<BulkAnswer<UserDto>> {
    const path = '/users';
    return bulkAnswer('users', path, ids, await this.http.items(this.scope, { path, idsParam: 'ids', ids }, checkUsers), this.report);
  }

  /** The user behind the request's bearer token; null without a token or when it is refused. */
  async getMe(): Promise<UserDto | null> {
    const { authorization } = this.scope;
    if (!authorization) return null;
    // 401 means "this token is no one", which for `viewer` is simply null.
    return this.http.json(this.scope, { path: '/me', headers: { authorization }, nullOn: [401] }, checkUser);
  }
}
