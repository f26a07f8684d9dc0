import type { AuthResult, LoginRequest, RegisterRequest, ResetConfirmRequest } from '@natter/protocol';
import type { Clock, Logger, Mailer, Storage, UserRecord } from '../../ports/index.ts';
import { UniqueViolation } from '../../ports/index.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { fail } from '../app-error.ts';
import type { Caller, Origin } from './auth-context.ts';
import { burnVerifyTime, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { isGuessablePassword } from './password-policy.ts';
import type { SessionService } from './session.service.ts';
import { BackoffThrottle, LoginThrottle, accountKey, loginRules, quotas, spendQuota } from './throttle.ts';
import { hashToken, newOpaqueToken } from './tokens.ts';

/** Reset links work this long. */
export const resetTokenTtlMs = 30 * 60_000;

/** What an account service needs from the outside. */
export interface AccountDeps {
  storage: Storage;
  sessions: SessionService;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  registrationOpen: boolean;
}

const resetAccepted = 'If that address belongs to an account, a link to reset its password is on its way.';

function refuseCommon(password: string): void {
  if (isGuessablePassword(password)) {
    throw fail(
      'password_too_common',
      'That password is too easy to guess: it is one of the most common ones, or a repeat or a run. Choose another.',
    );
  }
}

/** Accounts and credentials: registration, sign-in, password change and reset, deletion. */
export class AccountService {
  readonly #d: AccountDeps;
  readonly #throttle: LoginThrottle;
  readonly #confirmThrottle: BackoffThrottle;
  /** Runs before an account is deleted, so its memberships end with events others can see. */
  beforeDelete: (userId: string) => Promise<void> = () => Promise.resolve();

  constructor(deps: AccountDeps) {
    this.#d = deps;
    this.#throttle = new LoginThrottle(deps.storage.attempts);
    this.#confirmThrottle = new BackoffThrottle(deps.storage.attempts, 'Too many wrong passwords.');
  }

  /** Creates an account and signs it in. The first account on a server becomes an admin. */
  async register(input: RegisterRequest, origin: Origin): Promise<AuthResult> {
    if (!this.#d.registrationOpen) throw fail('registration_closed', 'This server does not accept new accounts.');
    const now = this.#d.clock.now();
    await spendQuota(this.#d.storage.attempts, `register:ip:${origin.ip}`, quotas.registerPerAddress, now);
    refuseCommon(input.password);
    const user = await this.createUser({ ...input, role: 'user' }, { adminIfFirst: true });
    return this.#d.sessions.open(user, origin, input.deviceLabel);
  }

  /**
   * Creates an account without signing in (registration and `natter admin create-user`). One
   * message for a taken username and a taken email, so registration does not confirm addresses.
   */
  async createUser(
    input: Pick<RegisterRequest, 'username' | 'email' | 'password' | 'displayName'> & { role: 'admin' | 'user' },
    options: { adminIfFirst: boolean },
  ): Promise<UserRecord> {
    const now = this.#d.clock.now();
    const username = input.username.toLowerCase();
    try {
      return await this.#d.storage.users.create(
        {
          id: uuidv7(now),
          username,
          email: input.email.toLowerCase(),
          displayName: input.displayName ?? username,
          bio: '',
          passwordHash: await hashPassword(input.password),
          role: input.role,
          createdAt: now,
        },
        options,
      );
    } catch (error) {
      if (error instanceof UniqueViolation) {
        throw fail('account_exists', 'An account with that username or email already exists.');
      }
      throw error;
    }
  }

  /** Signs in with username or email. Unknown login and wrong password look and take the same. */
  async login(input: LoginRequest, origin: Origin): Promise<AuthResult> {
    const { storage, clock } = this.#d;
    const login = input.login.trim().toLowerCase();
    const user = login.includes('@')
      ? await storage.users.findByEmail(login)
      : await storage.users.findByUsername(login);
    const account = accountKey(user?.id, login);
    await this.#throttle.check(account, origin.ip, clock.now());
    const ok = user
      ? await verifyPassword(user.passwordHash, input.password)
      : (await burnVerifyTime(input.password), false);
    if (!user || !ok) {
      await this.#throttle.failed(account, origin.ip, clock.now());
      throw fail('invalid_credentials', 'The username, email or password is wrong.');
    }
    await this.#throttle.succeeded(account);
    if (user.disabled) throw fail('account_disabled', 'This account has been disabled.');
    if (needsRehash(user.passwordHash)) {
      await storage.users.update(user.id, { passwordHash: await hashPassword(input.password) }, clock.now());
    }
    return this.#d.sessions.open(user, origin, input.deviceLabel);
  }

  /**
   * Mails a reset link when the address has an account. The answer and the work on the request
   * path are the same either way; the mail goes out after the answer.
   */
  async requestReset(email: string, origin: Origin): Promise<string> {
    const { storage, clock } = this.#d;
    const now = clock.now();
    await spendQuota(storage.attempts, `reset:ip:${origin.ip}`, quotas.resetPerAddress, now);
    const user = await storage.users.findByEmail(email.toLowerCase());
    if (!user || user.disabled) return resetAccepted;
    const [sent] = await storage.attempts.record([`reset:user:${user.id}`], now, quotas.resetMailsPerAccount.windowMs);
    if (sent && sent.failures > quotas.resetMailsPerAccount.max) return resetAccepted;
    const token = newOpaqueToken();
    await storage.resetTokens.create({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      expiresAt: now + resetTokenTtlMs,
    });
    this.#mailResetLink(user, token);
    return resetAccepted;
  }

  #mailResetLink(user: UserRecord, token: string): void {
    const { publicUrl } = this.#d;
    // The token rides in the fragment, which browsers never send to a server, so it cannot end up
    // in an access log or a Referer header.
    const link = `${publicUrl}/reset-password#token=${token}`;
    const text = [
      `Hello ${user.displayName},`,
      '',
      `Someone asked to reset the password of the Natter account "${user.username}" at ${publicUrl}.`,
      'To choose a new password, open this link within 30 minutes:',
      '',
      link,
      '',
      'If it was not you, ignore this mail: your password stays as it is.',
    ].join('\n');
    this.#d.mailer.send({ to: user.email, subject: 'Reset your Natter password', text }).catch((error: unknown) => {
      this.#d.logger.error({ err: error, userId: user.id }, 'password reset mail could not be sent');
    });
  }

  /** Sets a new password with a reset token, ends every session and opens a fresh one. */
  async confirmReset(input: ResetConfirmRequest, origin: Origin): Promise<AuthResult> {
    const { storage, clock } = this.#d;
    refuseCommon(input.newPassword);
    const userId = await storage.resetTokens.consume(hashToken(input.token), clock.now());
    const user = userId === undefined ? undefined : await storage.users.findById(userId);
    if (!user || user.disabled)
      throw fail('invalid_reset_token', 'This reset link is not valid any more. Ask for a new one.');
    const updated = await storage.users.update(
      user.id,
      { passwordHash: await hashPassword(input.newPassword) },
      clock.now(),
    );
    await this.#d.sessions.endAll(user.id);
    await storage.attempts.clear([accountKey(user.id, '')]);
    return this.#d.sessions.open(updated ?? user, origin, input.deviceLabel);
  }

  /** Changes the password after checking the current one; ends every other session. */
  async changePassword(caller: Caller, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.#requirePassword(caller, currentPassword);
    refuseCommon(newPassword);
    await this.#d.storage.users.update(user.id, { passwordHash: await hashPassword(newPassword) }, this.#d.clock.now());
    await this.#d.sessions.endAll(user.id, caller.sessionId);
  }

  /** Deletes the caller's account after checking the password. */
  async deleteAccount(caller: Caller, password: string): Promise<void> {
    const user = await this.#requirePassword(caller, password);
    const { users } = this.#d.storage;
    if (user.role === 'admin' && (await users.countActiveAdmins()) <= 1) {
      const others = (await users.list({ limit: 2 })).filter((u) => u.id !== user.id);
      if (others.length > 0) {
        throw fail('last_admin', 'You are the last administrator. Make someone else an admin first.');
      }
    }
    await this.beforeDelete(user.id);
    await this.#d.sessions.endAll(user.id);
    await users.delete(user.id);
  }

  /**
   * Checks the caller's password before a sensitive change. Throttled like sign-in: whoever holds a
   * stolen access token must not be able to guess the password through this door.
   */
  async #requirePassword(caller: Caller, password: string): Promise<UserRecord> {
    const { clock, storage } = this.#d;
    // Its own counter: wrong confirmations slow down further confirmations, not the owner's sign-in.
    const key = [`confirm:user:${caller.userId}`, loginRules.account] as const;
    await this.#confirmThrottle.check([key], clock.now());
    const user = await storage.users.findById(caller.userId);
    if (!user) throw fail('session_revoked', 'This session has ended.');
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.#confirmThrottle.failed([key], clock.now());
      throw fail('password_incorrect', 'The password is wrong.');
    }
    return user;
  }
}
