import { authSubprotocolPrefix, closeCodes, realtimePath, resumeCloseCodes } from '@natter/protocol';
import type { Session } from '../session-manager.ts';
import type { RealtimeCodec } from './codec.ts';
import type { EndReason, WebSocketConstructor } from './connection-types.ts';
import type { SyncPipeline } from './sync-pipeline.ts';

/** One socket and what hangs off it; a new one per (re)connect, so nothing leaks across sockets. */
export interface Link {
  readonly socket: WebSocket;
  /** The session whose access token this socket presents (updated by re-auth). */
  session: Session;
  /** Greeted by the server: calls may go out. */
  ready: boolean;
  /** Dropped or abandoned: anything it still delivers is ignored. */
  closed: boolean;
  readonly pipeline: SyncPipeline;
  readonly timers: Set<ReturnType<typeof setTimeout>>;
  awaitingPong: boolean;
}

/** A fresh link for a socket that has just been opened with `session`'s token. */
export function newLink(socket: WebSocket, session: Session, pipeline: SyncPipeline): Link {
  return { socket, session, ready: false, closed: false, pipeline, timers: new Set(), awaitingPong: false };
}

/** The WebSocket URL for a server: http becomes ws, https becomes wss, under the same path prefix. */
export function realtimeUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + realtimePath;
  url.search = '';
  url.hash = '';
  return url.href;
}

// Characters allowed in a Sec-WebSocket-Protocol token.
const subprotocolToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Opens a socket that asks for the codec's encoding and authenticates with `token`: in the
 * handshake when the token is a valid subprotocol name (it never goes in the URL, which proxies
 * log), else with an `auth` frame as soon as the socket opens. Throws when the URL is refused.
 */
export function openSocket(
  WebSocketClass: WebSocketConstructor,
  url: string,
  codec: RealtimeCodec,
  token: string,
): WebSocket {
  const inline = subprotocolToken.test(token);
  const socket = new WebSocketClass(url, [codec.subprotocol, ...(inline ? [authSubprotocolPrefix + token] : [])]);
  socket.binaryType = 'arraybuffer';
  if (!inline) {
    socket.onopen = () => {
      socket.send(codec.encode({ id: 'auth', op: 'auth', input: { body: { accessToken: token } } }));
    };
  }
  return socket;
}

/** What to do after the server closed a socket with `code`. */
export type CloseOutcome =
  { readonly retry: true; readonly refresh: boolean } | { readonly retry: false; readonly reason: EndReason };

/** Resume codes reconnect (tokenExpired after a refresh); the others need the user or the app first. */
export function closeOutcome(code: number): CloseOutcome {
  if (code === closeCodes.tokenExpired) return { retry: true, refresh: true };
  if (resumeCloseCodes.includes(code)) return { retry: true, refresh: false };
  if (code === closeCodes.unauthenticated) return { retry: false, reason: 'unauthenticated' };
  if (code === closeCodes.sessionEnded) return { retry: false, reason: 'sessionEnded' };
  return { retry: false, reason: 'refused' };
}

/** Runs `run` after `ms` unless the link is dropped first: its timers die with it. */
export function later(link: Link, ms: number, run: () => void): void {
  const timer = setTimeout(() => {
    link.timers.delete(timer);
    run();
  }, ms);
  link.timers.add(timer);
}

/** Stops every timer of a link. */
export function clearTimers(link: Link): void {
  for (const timer of link.timers) clearTimeout(timer);
  link.timers.clear();
}
