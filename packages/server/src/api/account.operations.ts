import type { AccountService } from '../modules/auth/account.service.ts';
import type { SessionService } from '../modules/auth/session.service.ts';
import type { UserService } from '../modules/users/user.service.ts';
import type { Operations } from './operation.ts';

type AccountOperationName =
  | 'register'
  | 'login'
  | 'refresh'
  | 'logout'
  | 'requestPasswordReset'
  | 'confirmPasswordReset'
  | 'getMe'
  | 'updateMe'
  | 'changePassword'
  | 'deleteMe'
  | 'listSessions'
  | 'revokeSession'
  | 'revokeOtherSessions'
  | 'searchUsers'
  | 'getUser'
  | 'adminListUsers'
  | 'adminUpdateUser';

/** Accounts, sessions, profiles and administration. */
export function accountOperations(s: {
  accounts: AccountService;
  sessions: SessionService;
  users: UserService;
}): Pick<Operations, AccountOperationName> {
  return {
    register: ({ body, origin }) => s.accounts.register(body, origin),
    login: ({ body, origin }) => s.accounts.login(body, origin),
    refresh: ({ body, origin }) => s.sessions.refresh(body.refreshToken, origin),
    logout: async ({ caller }) => {
      await s.sessions.revoke(caller, caller.sessionId);
      return undefined;
    },
    requestPasswordReset: async ({ body, origin }) => ({ message: await s.accounts.requestReset(body.email, origin) }),
    confirmPasswordReset: ({ body, origin }) => s.accounts.confirmReset(body, origin),
    getMe: ({ caller }) => s.users.me(caller),
    updateMe: ({ caller, body }) => s.users.updateProfile(caller, body),
    changePassword: async ({ caller, body }) => {
      await s.accounts.changePassword(caller, body.currentPassword, body.newPassword);
      return undefined;
    },
    deleteMe: async ({ caller, body }) => {
      await s.accounts.deleteAccount(caller, body.password);
      return undefined;
    },
    listSessions: async ({ caller }) => ({ sessions: await s.sessions.list(caller) }),
    revokeSession: async ({ caller, params }) => {
      await s.sessions.revoke(caller, params.sessionId);
      return undefined;
    },
    revokeOtherSessions: async ({ caller }) => ({ revoked: await s.sessions.endAll(caller.userId, caller.sessionId) }),
    searchUsers: async ({ query }) => ({ users: await s.users.search(query.q, query.limit ?? 20) }),
    getUser: ({ params }) => s.users.get(params.userId),
    adminListUsers: ({ caller, query }) => s.users.list(caller, query.after, query.limit ?? 50),
    adminUpdateUser: ({ caller, params, body }) => s.users.adminUpdate(caller, params.userId, body),
  };
}
