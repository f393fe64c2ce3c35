import type { UserDto } from '../backends/users/client.js';

export type UserMapper = UserDto;
