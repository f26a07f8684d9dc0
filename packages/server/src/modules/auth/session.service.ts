import type { AuthResult, SessionInfo } from '@natter/protocol';
import type { Clock, EventBus, Storage, UserRecord } from '../../ports/index.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { fail } from '../app-error.ts';
import { toSelfUser, toSessionInfo } from '../users/user-views.ts';
import type { Caller, Origin } from './auth-context.ts';
import { hashToken, newOpaqueToken, type AccessTokens } from './tokens.ts';

const day = 86_400_000;

/** Sessions: opening them, rotating refresh tokens, checking access tokens, listing and ending. */
export class SessionService {
  readonly #storage: Storage;
  readonly #tokens: AccessTokens;
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #bus: EventBus | undefined;

  constructor(deps: { storage: Storage; tokens: AccessTokens; clock: Clock; sessionIdleDays: number; bus?: EventBus }) {
    this.#storage = deps.storage;
    this.#tokens = deps.tokens;
    this.#clock = deps.clock;
    this.#idleMs = deps.sessionIdleDays * day;
    this.#bus = deps.bus;
  }

  /** Opens a new session for a user who has just proven who they are. */
  async open(user: UserRecord, origin: Origin, deviceLabel: string | undefined): Promise<AuthResult> {
    const now = this.#clock.now();
    const refreshToken = newOpaqueToken();
    const session = await this.#storage.sessions.create(
      {
        id: uuidv7(now),
        userId: user.id,
        deviceLabel: deviceLabel ?? null,
        userAgent: origin.userAgent?.slice(0, 512) ?? null,
        ip: origin.ip,
        createdAt: now,
        lastUsedAt: now,
        expiresAt: now + this.#idleMs,
      },
      hashToken(refreshToken),
    );
    return this.#result(user, session.id, refreshToken, session.expiresAt, now);
  }

  /** Trades a refresh token for a new pair. A spent token revokes its session: it has leaked. */
  async refresh(refreshToken: string, origin: Origin): Promise<AuthResult> {
    const now = this.#clock.now();
    const next = newOpaqueToken();
    const outcome = await this.#storage.sessions.rotate(hashToken(refreshToken), hashToken(next), {
      now,
      expiresAt: now + this.#idleMs,
      ip: origin.ip,
    });
    switch (outcome.outcome) {
      case 'invalid':
        throw fail('invalid_refresh_token', 'The refresh token is not valid. Sign in again.');
      case 'reused':
        this.#bus?.publish({
          kind: 'sessions.ended',
          userId: outcome.session.userId,
          sessionIds: [outcome.session.id],
        });
        throw fail('refresh_token_reused', 'This refresh token was already used, so its session has been ended.');
      case 'rotated': {
        const user = await this.#storage.users.findById(outcome.session.userId);
        if (!user || user.disabled) {
          await this.#storage.sessions.revoke(outcome.session.userId, outcome.session.id, now);
          this.#bus?.publish({
            kind: 'sessions.ended',
            userId: outcome.session.userId,
            sessionIds: [outcome.session.id],
          });
          throw fail('invalid_refresh_token', 'The refresh token is not valid. Sign in again.');
        }
        return this.#result(user, outcome.session.id, next, outcome.session.expiresAt, now);
      }
    }
  }

  /** Establishes the caller from an access token: signature, expiry, live session, enabled user. */
  async authenticate(accessToken: string): Promise<Caller> {
    return (await this.authenticateWithExpiry(accessToken)).caller;
  }

  /** As authenticate, also saying when the token expires, for connections that outlive a request. */
  async authenticateWithExpiry(accessToken: string): Promise<{ caller: Caller; expiresAt: number }> {
    const now = this.#clock.now();
    const claims = await this.#tokens.verify(accessToken, now);
    const session = await this.#storage.sessions.findById(claims.sessionId);
    if (!session || session.userId !== claims.userId || session.revokedAt !== null || session.expiresAt <= now) {
      throw fail('session_revoked', 'This session has ended. Sign in again.');
    }
    const user = await this.#storage.users.findById(claims.userId);
    if (!user) throw fail('session_revoked', 'This session has ended. Sign in again.');
    if (user.disabled) throw fail('account_disabled', 'This account has been disabled.');
    return { caller: { userId: user.id, sessionId: session.id, role: user.role }, expiresAt: claims.expiresAt };
  }

  /** The caller's live sessions, the current one marked. */
  async list(caller: Caller): Promise<SessionInfo[]> {
    const sessions = await this.#storage.sessions.listActive(caller.userId, this.#clock.now());
    return sessions.map((s) => toSessionInfo(s, caller.sessionId));
  }

  /** Ends one of the caller's sessions (their current one too: that is a sign-out). */
  async revoke(caller: Caller, sessionId: string): Promise<void> {
    const ended = await this.#storage.sessions.revoke(caller.userId, sessionId, this.#clock.now());
    if (!ended) throw fail('session_not_found', 'No such session.');
    this.#bus?.publish({ kind: 'sessions.ended', userId: caller.userId, sessionIds: [sessionId] });
  }

  /** Ends every session of a user, except `keep`; returns how many ended. Open connections close. */
  async endAll(userId: string, keep?: string): Promise<number> {
    const count = await this.#storage.sessions.revokeAll(userId, this.#clock.now(), keep);
    this.#bus?.publish({
      kind: 'sessions.ended',
      userId,
      sessionIds: 'all',
      ...(keep === undefined ? {} : { except: keep }),
    });
    return count;
  }

  async #result(user: UserRecord, sessionId: string, refreshToken: string, refreshExpiresAt: number, now: number) {
    const access = await this.#tokens.issue({ userId: user.id, sessionId }, now);
    return {
      user: toSelfUser(user),
      sessionId,
      accessToken: access.token,
      accessTokenExpiresAt: new Date(access.expiresAt).toISOString(),
      refreshToken,
      refreshTokenExpiresAt: new Date(refreshExpiresAt).toISOString(),
    } satisfies AuthResult;
  }
}
