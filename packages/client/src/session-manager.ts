import type { AuthResult, SelfUser } from '@natter/protocol';
import { NatterApiError, type ApiErrorCode } from './errors.ts';

/** Credentials of a signed-in session as the server issued them; persist this to stay signed in. */
export type Session = AuthResult;

/** Called whenever the stored session changes: sign-in, rotation, profile update, or `null` when it ends. */
export type SessionListener = (session: Session | null) => void;

/** Refresh this long before the access token expires, so a request never leaves with a dying token. */
export const refreshLeewayMs = 30_000;

/** Codes after which the session cannot be used or refreshed any more. */
const sessionEndingCodes: readonly ApiErrorCode[] = [
  'refresh_token_reused',
  'invalid_refresh_token',
  'session_revoked',
];

/** True when an error means the session is over and its credentials should be forgotten. */
export function endsSession(error: unknown): boolean {
  return error instanceof NatterApiError && sessionEndingCodes.includes(error.code);
}

/**
 * Holds the current session and rotates it. Refreshes are single-flight: every caller that needs a
 * new token while one rotation is under way waits for that same rotation, because presenting the
 * same refresh token twice is treated by the server as theft and revokes the session.
 */
export class SessionManager {
  #session: Session | null;
  /** Local time from which requests refresh first; Infinity leaves it to the server's `token_expired`. */
  #refreshAt = Infinity;
  #refreshing: Promise<Session> | null = null;
  readonly #rotate: (refreshToken: string) => Promise<Session>;
  readonly #listener: SessionListener | undefined;

  constructor(
    session: Session | null,
    rotate: (refreshToken: string) => Promise<Session>,
    listener: SessionListener | undefined,
  ) {
    this.#rotate = rotate;
    this.#listener = listener;
    this.#session = session;
    this.#refreshAt = restoredRefreshAt(session);
  }

  /** The current session, or `null` when signed out. */
  get current(): Session | null {
    return this.#session;
  }

  /** Replaces the session with one saved earlier (or `null`) and tells the listener. */
  set(session: Session | null): void {
    this.#assign(session, restoredRefreshAt(session));
  }

  /** Stores a session the server has just issued and tells the listener. */
  received(session: Session): void {
    const remaining = Date.parse(session.accessTokenExpiresAt) - Date.now();
    // A token that looks expired on arrival means the local clock runs ahead of the server's: refreshing
    // by that clock would rotate before every request, so leave it to the server's `token_expired`.
    // Half the lifetime caps the lead for servers configured with very short-lived tokens.
    const lead = Math.min(refreshLeewayMs, remaining / 2);
    this.#assign(session, remaining > 0 ? Date.now() + remaining - lead : Infinity);
  }

  /** Keeps the stored profile in step after the user fetched or changed it; reports only real changes. */
  updateUser(user: SelfUser): void {
    const current = this.#session;
    if (current?.user.id !== user.id || sameUser(current.user, user)) return;
    this.#assign({ ...current, user }, this.#refreshAt);
  }

  /** Forgets the session `used` was taken from, unless a newer sign-in has replaced it meanwhile. */
  endIfCurrent(used: Session | null): void {
    if (used !== null && this.#session?.sessionId === used.sessionId) this.set(null);
  }

  /** Rotates the refresh token now, or joins the rotation already under way. */
  refresh(): Promise<Session> {
    this.#refreshing ??= this.#runRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** The session to send a request with, refreshed first when its access token is about to expire. */
  async forRequest(): Promise<Session | null> {
    if (this.#refreshing) await this.#refreshing;
    else if (this.#session !== null && Date.now() >= this.#refreshAt) await this.refresh();
    return this.#session;
  }

  /**
   * After the server said `used`'s access token expired: refresh, unless a concurrent caller has
   * already rotated past it, in which case the newer session is used without a second rotation.
   */
  async afterExpired(used: Session): Promise<Session | null> {
    if (this.#session?.accessToken === used.accessToken) await this.refresh();
    else if (this.#refreshing) await this.#refreshing;
    return this.#session;
  }

  #assign(session: Session | null, refreshAt: number): void {
    this.#session = session;
    this.#refreshAt = refreshAt;
    this.#listener?.(session);
  }

  async #runRefresh(): Promise<Session> {
    const spent = this.#session;
    if (spent === null) {
      throw new NatterApiError({ code: 'unauthenticated', status: 401, message: 'Not signed in; nothing to refresh' });
    }
    try {
      const next = await this.#rotate(spent.refreshToken);
      // A sign-out or another sign-in during the rotation wins; do not bring the old session back.
      if (this.#session?.refreshToken === spent.refreshToken) this.received(next);
      return next;
    } catch (error) {
      if (endsSession(error) && this.#session?.refreshToken === spent.refreshToken) this.set(null);
      throw error;
    }
  }
}

// A saved session's expiry can only be judged by the local clock.
function restoredRefreshAt(session: Session | null): number {
  return session === null ? Infinity : Date.parse(session.accessTokenExpiresAt) - refreshLeewayMs;
}

function sameUser(a: SelfUser, b: SelfUser): boolean {
  const keys = Object.keys(a) as (keyof SelfUser)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
