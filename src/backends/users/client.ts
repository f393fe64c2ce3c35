import { z } from 'zod';
import type { RequestScope } from '../http.js';
import type { BackendCalls } from '../in-flight.js';
import { checkWith, itemsOf } from '../shape.js';

export const UserDto = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable().optional(),
  createdAt: z.string(),
});
export type UserDto = z.infer<typeof UserDto>;

const checkUser = checkWith(UserDto);
const checkUsers = checkWith(itemsOf(UserDto));

/** The users service: public profiles in bulk, and the caller's own profile by token. */
export class UsersClient {
  constructor(
    private readonly http: BackendCalls,
    private readonly scope: RequestScope,
  ) {}

  /** Bulk lookup (≤ maxBatchSize ids); unknown ids are absent from the result, in any order. */
  async getUsers(ids: readonly string[]): Promise<UserDto[]> {
    return this.http.items(this.scope, { path: '/users', idsParam: 'ids', ids }, checkUsers);
  }

  /** The user behind the request's bearer token; null without a token or when it is refused. */
  async getMe(): Promise<UserDto | null> {
    const { authorization } = this.scope;
    if (!authorization) return null;
    // 401 means "this token is no one", which for `viewer` is simply null.
    return this.http.json(this.scope, { path: '/me', headers: { authorization }, nullOn: [401] }, checkUser);
  }
}
