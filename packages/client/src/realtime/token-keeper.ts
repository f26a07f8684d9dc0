import { NatterApiError } from '../errors.ts';
import type { NatterClient } from '../natter-client.ts';
import { refreshLeewayMs, type Session } from '../session-manager.ts';

/**
 * Chooses the access token a connection presents, using only NatterClient's public API so that
 * REST calls and the socket share one session and one single-flight refresh.
 */
export class TokenKeeper {
  readonly #client: NatterClient;
  /** Milliseconds each token had left when first seen, to scale the renewal lead for short-lived tokens. */
  readonly #lifetimes = new Map<string, number>();

  constructor(client: NatterClient) {
    this.#client = client;
  }

  /**
   * A session to connect or re-authenticate with. Refreshes when the server refused `rejected` and
   * the client still holds it (another caller may have refreshed already), or when the token is
   * due for renewal. Throws NatterApiError `unauthenticated` when signed out.
   */
  async fresh(rejected?: string): Promise<Session> {
    const session = this.#client.session;
    if (session === null) {
      throw new NatterApiError({
        code: 'unauthenticated',
        status: 401,
        message: 'Not signed in; nothing to connect with',
      });
    }
    if (session.accessToken === rejected) return this.#client.refresh();
    const due = this.renewIn(session);
    return due !== null && due <= 0 ? this.#client.refresh() : session;
  }

  /**
   * Milliseconds until `session`'s token should be renewed: 30 s before expiry, or halfway through
   * the lifetime of a shorter-lived token. Null when it looks expired already: the local clock is
   * then probably ahead of the server's, so the server's `tokenExpired` close decides instead.
   */
  renewIn(session: Session): number | null {
    const remaining = Date.parse(session.accessTokenExpiresAt) - Date.now();
    if (!(remaining > 0)) return null;
    let lifetime = this.#lifetimes.get(session.accessToken);
    if (lifetime === undefined) {
      lifetime = remaining;
      this.#lifetimes.clear(); // only the latest token matters
      this.#lifetimes.set(session.accessToken, lifetime);
    }
    return remaining - Math.min(refreshLeewayMs, lifetime / 2);
  }
}
