import { Type, type Static } from 'typebox';
import { limits } from '../limits.ts';
import { Bio, Closed, DisplayName, Id, Role, Timestamp, Username } from './common.ts';

/** What anyone signed in may see of another person. Never an email or a hash. */
export const PublicUser = Closed({
  id: Id,
  username: Username,
  displayName: Type.String(),
  bio: Type.String(),
});
export type PublicUser = Static<typeof PublicUser>;

/** What a person sees of their own account. */
export const SelfUser = Closed({
  id: Id,
  username: Username,
  email: Type.String(),
  displayName: Type.String(),
  bio: Type.String(),
  role: Role,
  createdAt: Timestamp,
});
export type SelfUser = Static<typeof SelfUser>;

/** What an administrator sees in the user list. */
export const AdminUser = Closed({
  id: Id,
  username: Username,
  email: Type.String(),
  displayName: Type.String(),
  role: Role,
  disabled: Type.Boolean(),
  createdAt: Timestamp,
});
export type AdminUser = Static<typeof AdminUser>;

/** PATCH /me: change display name and bio. */
export const UpdateProfileRequest = Closed({
  displayName: Type.Optional(DisplayName),
  bio: Type.Optional(Bio),
});
export type UpdateProfileRequest = Static<typeof UpdateProfileRequest>;

/** POST /me/password. */
export const ChangePasswordRequest = Closed({
  currentPassword: Type.String({ minLength: 1, maxLength: limits.passwordMax }),
  newPassword: Type.String({ minLength: limits.passwordMin, maxLength: limits.passwordMax }),
});
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

/** DELETE /me: deleting an account needs the password. */
export const DeleteAccountRequest = Closed({
  password: Type.String({ minLength: 1, maxLength: limits.passwordMax }),
});
export type DeleteAccountRequest = Static<typeof DeleteAccountRequest>;

/** GET /users/search. */
export const UserSearchQuery = Closed({
  q: Type.String({ minLength: 1, maxLength: limits.searchQueryMax }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
});
export type UserSearchQuery = Static<typeof UserSearchQuery>;

export const UserList = Closed({ users: Type.Array(PublicUser) });
export type UserList = Static<typeof UserList>;

/** GET /admin/users: paged by the id of the last user of the previous page. */
export const AdminUserListQuery = Closed({
  after: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.pageMax, default: 50 })),
});
export type AdminUserListQuery = Static<typeof AdminUserListQuery>;

export const AdminUserPage = Closed({
  users: Type.Array(AdminUser),
  nextAfter: Type.Union([Id, Type.Null()], { description: 'Pass as `after` for the next page; null at the end.' }),
});
export type AdminUserPage = Static<typeof AdminUserPage>;

/** PATCH /admin/users/{userId}. Disabling a user ends all their sessions. */
export const AdminUpdateUserRequest = Closed({
  role: Type.Optional(Role),
  disabled: Type.Optional(Type.Boolean()),
});
export type AdminUpdateUserRequest = Static<typeof AdminUpdateUserRequest>;

export const UserIdParams = Closed({ userId: Id });
export type UserIdParams = Static<typeof UserIdParams>;
