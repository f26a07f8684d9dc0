import type { ClientFrame } from '@natter/protocol';
import { isNatterApiError } from '../errors.ts';
import { endsSession } from '../session-manager.ts';
import type { EndedInfo } from './connection-types.ts';
import { later, type Link } from './link.ts';
import type { TokenKeeper } from './token-keeper.ts';

/** True when an error means the session cannot be used any more. */
export const sessionOver = (error: unknown): boolean =>
  endsSession(error) || isNatterApiError(error, 'account_disabled');

/** The end a failed token fetch means: the session is over, or there is none; null when worth retrying. */
export function tokenFailure(error: unknown): EndedInfo | null {
  if (sessionOver(error)) return { reason: 'sessionEnded', message: 'the session is over' };
  if (isNatterApiError(error, 'unauthenticated')) return { reason: 'unauthenticated', message: 'not signed in' };
  return null;
}

/** What keeping a socket alive needs from its connection. */
export interface KeepaliveHost {
  readonly tokens: TokenKeeper;
  readonly heartbeatMs: number;
  callOn(link: Link, op: string, input: ClientFrame['input']): Promise<unknown>;
  /** The session is over: end the connection. */
  sessionEnded(): void;
  /** The link is judged dead: drop it and reconnect. */
  abandon(link: Link, reason: string): void;
  reportError(error: unknown): void;
}

/** Schedules re-authentication of the open socket shortly before its token expires. */
export function scheduleReauth(host: KeepaliveHost, link: Link): void {
  const due = host.tokens.renewIn(link.session);
  if (due !== null) later(link, due, () => void reauth(host, link));
}

/**
 * Extends the open socket with a fresh token (the `auth` op) before the old one expires, so a
 * healthy connection is never closed for an expired token and never has to resync for it.
 */
async function reauth(host: KeepaliveHost, link: Link): Promise<void> {
  try {
    const session = await host.tokens.fresh(link.session.accessToken);
    await host.callOn(link, 'auth', { body: { accessToken: session.accessToken } });
    link.session = session;
    scheduleReauth(host, link);
  } catch (error) {
    if (link.closed) return;
    if (sessionOver(error)) {
      host.sessionEnded();
      return;
    }
    host.reportError(error);
    // Try once more halfway to expiry; past that, the server's tokenExpired close takes over.
    const remaining = Date.parse(link.session.accessTokenExpiresAt) - Date.now();
    if (remaining > 2_000) later(link, remaining / 2, () => void reauth(host, link));
  }
}

/**
 * Pings the server every `heartbeatMs` and drops the link when a ping goes unanswered for a whole
 * interval: a laptop waking from sleep or a dead NAT mapping can leave a socket that looks open
 * but delivers nothing, and neither browsers nor Node tell the page.
 */
export function startHeartbeat(host: KeepaliveHost, link: Link): void {
  if (host.heartbeatMs <= 0) return;
  const beat = (): void => {
    if (link.awaitingPong) {
      host.abandon(link, 'no answer to ping');
      return;
    }
    link.awaitingPong = true;
    const answered = (): void => {
      link.awaitingPong = false;
    };
    host.callOn(link, 'ping', undefined).then(answered, answered);
    later(link, host.heartbeatMs, beat);
  };
  later(link, host.heartbeatMs, beat);
}
