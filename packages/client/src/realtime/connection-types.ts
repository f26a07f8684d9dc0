import type { AnyEvent, Cursor, HelloFrame, PresenceFrame, Room, SendResult, TypingFrame } from '@natter/protocol';
import type { BackoffOptions } from './backoff.ts';
import type { RealtimeCodec } from './codec.ts';
import type { PendingSend } from './outbox.ts';

/**
 * Where a connection is: opening a socket, catching up from its cursor, delivering live events,
 * waiting to reconnect, or finished for good.
 */
export type ConnectionState = 'connecting' | 'syncing' | 'live' | 'offline' | 'ended';

/** Why a connection ended and will not reconnect by itself. */
export type EndReason =
  /** `close()` was called. */
  | 'closed'
  /** The server refused the token (close code 4001), or the client has no session. */
  | 'unauthenticated'
  /** The session is over: ended, revoked, account disabled (4003), or its refresh token refused. */
  | 'sessionEnded'
  /** The server closed with a code that retrying cannot fix (origin, subprotocol, too many connections). */
  | 'refused';

/** The payload of `ended`. */
export interface EndedInfo {
  readonly reason: EndReason;
  /** The WebSocket close code, when the server's close caused the end. */
  readonly code?: number | undefined;
  readonly message: string;
}

/**
 * Events in a room this client will never receive as events. Page the messages in with
 * `listMessages({ before: beforeSeq })`; other changes in the gap (members, roles) are not
 * replayed either, so refetch the member list if it is shown.
 */
export interface GapInfo {
  readonly roomId: string;
  /** The client's position before the gap: events up to here were delivered. */
  readonly afterSeq: number;
  /** The first event delivered after the gap; history before it, back to `afterSeq`, is missing. */
  readonly beforeSeq: number;
}

/** A room's state as a sync reported it, after that room's events were delivered; `room` is null once the user left it. */
export interface RoomSnapshotInfo {
  readonly roomId: string;
  readonly room: Room | null;
}

/** An acknowledged send. */
export interface AckedInfo {
  readonly send: PendingSend;
  readonly result: SendResult;
}

/** A send that will not be retried: refused by the server, or the connection ended first. */
export interface FailedInfo {
  readonly send: PendingSend;
  readonly error: Error;
}

/** Every event a RealtimeConnection emits, by name. */
export interface RealtimeEvents {
  /** A logged event, in order and exactly once per stream position (sync and live alike). */
  event: AnyEvent;
  /** A room's current state from a sync, emitted after that room's events. */
  room: RoomSnapshotInfo;
  /** Someone started or stopped typing (ephemeral, never replayed). */
  typing: TypingFrame;
  /** Someone watched came online or went offline (ephemeral). */
  presence: PresenceFrame;
  /** Part of a room's log was skipped; never silent. */
  gap: GapInfo;
  /** The connection moved to another state. */
  state: ConnectionState;
  /** The server greeted a new socket. */
  hello: HelloFrame;
  /** The connection stopped for good. */
  ended: EndedInfo;
  /** A send entered the outbox. */
  pending: PendingSend;
  /** A send was acknowledged; emitted once per send. */
  acked: AckedInfo;
  /** A send was given up; emitted once per send. */
  failed: FailedInfo;
  /** Something went wrong that the connection recovered from (unreadable frame, refused sync, failed re-auth). */
  error: Error;
}

/** A WebSocket class: the global one by default; tests may pass another. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** How a RealtimeConnection connects, encodes and resumes. */
export interface RealtimeOptions {
  /** Where to resume from, as saved from `onCursor`; from the beginning when absent. */
  readonly cursor?: Cursor | undefined;
  /** `'json'` (default) or a codec such as `msgpackCodec` from `@natter/client/msgpack`. */
  readonly encoding?: 'json' | RealtimeCodec | undefined;
  /** Reconnect backoff; 500 ms doubling to 30 s by default. */
  readonly backoff?: BackoffOptions | undefined;
  /** Replaces the global WebSocket. */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** Told the new cursor whenever delivered events moved it; persist it to resume after a restart. */
  readonly onCursor?: ((cursor: Cursor) => void) | undefined;
  /** Most events per room (and user events) one sync answer carries; the server's default when absent. */
  readonly syncLimit?: number | undefined;
  /** A socket that is not greeted within this time is dropped and retried (default 10 s). */
  readonly helloTimeoutMs?: number | undefined;
  /** Interval of `ping` calls that detect a dead link the OS has not noticed (default 30 s; 0 disables). */
  readonly heartbeatMs?: number | undefined;
}
