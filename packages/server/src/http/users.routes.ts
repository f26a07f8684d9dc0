import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../modules/auth/account.service.ts';
import type { SessionService } from '../modules/auth/session.service.ts';
import type { UserService } from '../modules/users/user.service.ts';
import { route, type Authenticator } from './route.ts';

/** The caller's account and sessions, people search, and account administration. */
export function userRoutes(
  app: FastifyInstance,
  authenticate: Authenticator,
  s: { accounts: AccountService; sessions: SessionService; users: UserService },
): void {
  route(app, authenticate, 'getMe', ({ caller }) => s.users.me(caller));
  route(app, authenticate, 'updateMe', ({ caller, body }) => s.users.updateProfile(caller, body));
  route(app, authenticate, 'changePassword', async ({ caller, body }) => {
    await s.accounts.changePassword(caller, body.currentPassword, body.newPassword);
    return undefined;
  });
  route(app, authenticate, 'deleteMe', async ({ caller, body }) => {
    await s.accounts.deleteAccount(caller, body.password);
    return undefined;
  });
  route(app, authenticate, 'listSessions', async ({ caller }) => ({ sessions: await s.sessions.list(caller) }));
  route(app, authenticate, 'revokeSession', async ({ caller, params }) => {
    await s.sessions.revoke(caller, params.sessionId);
    return undefined;
  });
  route(app, authenticate, 'revokeOtherSessions', async ({ caller }) => ({
    revoked: await s.sessions.endAll(caller.userId, caller.sessionId),
  }));
  route(app, authenticate, 'searchUsers', async ({ query }) => ({
    users: await s.users.search(query.q, query.limit ?? 20),
  }));
  route(app, authenticate, 'getUser', ({ params }) => s.users.get(params.userId));
  route(app, authenticate, 'adminListUsers', ({ caller, query }) =>
    s.users.list(caller, query.after, query.limit ?? 50),
  );
  route(app, authenticate, 'adminUpdateUser', ({ caller, params, body }) =>
    s.users.adminUpdate(caller, params.userId, body),
  );
}
