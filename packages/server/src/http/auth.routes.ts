import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../modules/auth/account.service.ts';
import type { SessionService } from '../modules/auth/session.service.ts';
import { route, type Authenticator } from './route.ts';

/** Registration, sign-in, refresh, sign-out and password reset. */
export function authRoutes(
  app: FastifyInstance,
  authenticate: Authenticator,
  s: { accounts: AccountService; sessions: SessionService },
): void {
  route(app, authenticate, 'register', ({ body, origin }) => s.accounts.register(body, origin));
  route(app, authenticate, 'login', ({ body, origin }) => s.accounts.login(body, origin));
  route(app, authenticate, 'refresh', ({ body, origin }) => s.sessions.refresh(body.refreshToken, origin));
  route(app, authenticate, 'logout', async ({ caller }) => {
    await s.sessions.revoke(caller, caller.sessionId);
    return undefined;
  });
  route(app, authenticate, 'requestPasswordReset', async ({ body, origin }) => ({
    message: await s.accounts.requestReset(body.email, origin),
  }));
  route(app, authenticate, 'confirmPasswordReset', ({ body, origin }) => s.accounts.confirmReset(body, origin));
}
