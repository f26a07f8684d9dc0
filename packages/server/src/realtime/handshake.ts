import { authSubprotocolPrefix, closeCodes, subprotocols, type ErrorCode } from '@natter/protocol';
import type { Duplex } from 'node:stream';
import { AppError } from '../modules/app-error.ts';
import { encodingOf } from './codec.ts';

/** The subprotocols a client offered, split into what we act on. */
export interface ProtocolOffer {
  /** The access token offered as `natter.auth.<token>`, if any. */
  token: string | undefined;
}

/** Splits a Sec-WebSocket-Protocol header into its offers. */
function offers(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** Reads the access token out of the offered subprotocols (never logged, never echoed). */
export function readOffer(header: string | undefined): ProtocolOffer {
  const auth = offers(header).find((p) => p.startsWith(authSubprotocolPrefix));
  const token = auth?.slice(authSubprotocolPrefix.length);
  return { token: token === undefined || token.length === 0 ? undefined : token };
}

/**
 * ws `handleProtocols`: selects the first encoding the client offered. Without one, it selects
 * any other offer that is not a token, so the handshake completes and the client can be told why
 * with unsupportedProtocol (a browser fails a handshake whose answer names none of its offers, and
 * then sees only 1006). The token offer is never selected: the answer header would echo it.
 */
export function selectProtocol(protocols: ReadonlySet<string>): string | false {
  let fallback: string | false = false;
  for (const protocol of protocols) {
    // The constant, not the offer: an offer is a slice of the whole header, token included, and
    // the socket keeps what this returns for its lifetime (464 bytes per connection).
    const encoding = encodingOf(protocol);
    if (encoding !== undefined) return subprotocols[encoding];
    if (fallback === false && !protocol.startsWith(authSubprotocolPrefix)) fallback = protocol;
  }
  return fallback;
}

/**
 * True when a browser page at `origin` may connect: a listed origin, or a page served by this
 * server itself (the origin's host is the host the socket was opened on, as with the web app
 * reached at an address other than the public URL). No Origin header means no browser.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[], host?: string): boolean {
  if (origin === undefined) return true;
  const wanted = origin.toLowerCase();
  if (allowed.some((o) => o.toLowerCase() === wanted)) return true;
  if (host === undefined) return false;
  try {
    return new URL(wanted).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Authentication failures that need more than a new token, by error code. */
const authCloseCodes: Partial<Record<ErrorCode, number>> = {
  token_expired: closeCodes.tokenExpired,
  session_revoked: closeCodes.sessionEnded,
  account_disabled: closeCodes.sessionEnded,
};

/**
 * The close code for a failed authentication, which tells the client what to do next. A failure
 * that is not the token's fault (storage down) is 1011, which clients retry, not "sign in again".
 */
export function authCloseCode(error: unknown): number {
  if (!(error instanceof AppError)) return 1011;
  return authCloseCodes[error.code] ?? closeCodes.unauthenticated;
}

/** Answers an upgrade we will not take with a bare HTTP status, then drops the socket. */
export function refuseUpgrade(socket: Duplex, status: 404 | 503): void {
  const text = status === 404 ? 'Not Found' : 'Service Unavailable';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => {
    socket.destroy();
  });
}
