import { Type, type Static } from 'typebox';
import { limits } from './limits.ts';
import { Closed, Id } from './schemas/common.ts';
import { RoomEvent, UserEvent } from './schemas/events.ts';

/** WebSocket path. */
export const realtimePath = '/api/v1/ws';

/**
 * Subprotocols a client offers in `Sec-WebSocket-Protocol`; the server picks one. The version is
 * part of the name: the server accepts the current protocol and the previous one.
 */
export const subprotocols = {
  json: 'natter.v1.json',
  msgpack: 'natter.v1.msgpack',
} as const;

/**
 * Offer `natter.auth.<accessToken>` among the subprotocols to authenticate at the upgrade (never
 * put the token in the URL, which proxies log). Otherwise send an `auth` frame first.
 */
export const authSubprotocolPrefix = 'natter.auth.';

/** Seconds a connection may stay unauthenticated before it is closed. */
export const authTimeoutSeconds = 5;

/** A command from the client. `op` names an endpoint of the REST table, or a realtime-only op. */
export const ClientFrame = Closed({
  id: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Integer({ minimum: 0 })]),
  op: Type.String({ minLength: 1, maxLength: 64 }),
  input: Type.Optional(
    Closed({
      params: Type.Optional(Type.Unknown()),
      query: Type.Optional(Type.Unknown()),
      body: Type.Optional(Type.Unknown()),
    }),
  ),
});
export type ClientFrame = Static<typeof ClientFrame>;

/** Input of the realtime-only `auth` op. */
export const AuthFrameBody = Closed({ accessToken: Type.String({ minLength: 1, maxLength: 4096 }) });
export type AuthFrameBody = Static<typeof AuthFrameBody>;

/** Input of the realtime-only `presence.watch` op: the people whose presence to push. */
export const PresenceWatchBody = Closed({
  userIds: Type.Array(Id, { maxItems: limits.presenceWatchMax, uniqueItems: true }),
});
export type PresenceWatchBody = Static<typeof PresenceWatchBody>;

/** Ops that exist only on the realtime transport. */
export const realtimeOps = ['auth', 'presence.watch', 'ping'] as const;

/** First frame after authentication. */
export const HelloFrame = Closed({
  type: Type.Literal('hello'),
  protocol: Type.Integer(),
  userId: Id,
  sessionId: Id,
  connectionId: Type.String(),
  serverTime: Type.String(),
  limits: Closed({
    maxFrameBytes: Type.Integer(),
    framesPerSecond: Type.Integer(),
    messageMaxBytes: Type.Integer(),
  }),
});
export type HelloFrame = Static<typeof HelloFrame>;

/** The answer to a client frame with the same id. */
export const ResultFrame = Closed({
  type: Type.Literal('result'),
  id: Type.Union([Type.String(), Type.Integer()]),
  data: Type.Unknown(),
});
export type ResultFrame = Static<typeof ResultFrame>;

/** A failed client frame; `id` is null when the frame could not be read at all. */
export const ErrorFrame = Closed({
  type: Type.Literal('error'),
  id: Type.Union([Type.String(), Type.Integer(), Type.Null()]),
  error: Closed({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});
export type ErrorFrame = Static<typeof ErrorFrame>;

/** A logged event, pushed live. */
export const EventFrame = Closed({ type: Type.Literal('event'), event: Type.Union([RoomEvent, UserEvent]) });
export type EventFrame = Static<typeof EventFrame>;

/** Someone started or stopped typing. Ephemeral: dropped first under load, never replayed. */
export const TypingFrame = Closed({ type: Type.Literal('typing'), roomId: Id, userId: Id, typing: Type.Boolean() });
export type TypingFrame = Static<typeof TypingFrame>;

/** Someone watched came online or went offline. Ephemeral. */
export const PresenceFrame = Closed({ type: Type.Literal('presence'), userId: Id, online: Type.Boolean() });
export type PresenceFrame = Static<typeof PresenceFrame>;

/** Every frame the server sends. */
export type ServerFrame = HelloFrame | ResultFrame | ErrorFrame | EventFrame | TypingFrame | PresenceFrame;

/**
 * Close codes. Those marked resume mean: reconnect (with backoff) and sync from your cursor;
 * nothing is lost. The others need the user or the app to act first.
 */
export const closeCodes = {
  /** The access token was missing, invalid, or not sent within authTimeoutSeconds. */
  unauthenticated: 4001,
  /** The access token expired: refresh it, then reconnect (resume). */
  tokenExpired: 4002,
  /** The session was ended or the account disabled: sign in again. */
  sessionEnded: 4003,
  /** The page's Origin is not allowed to connect. */
  originNotAllowed: 4004,
  /** No subprotocol this server speaks was offered. */
  unsupportedProtocol: 4005,
  /** The user has too many open connections. */
  tooManyConnections: 4006,
  /** The client kept breaking the rules (frames too fast, unreadable frames): wait, then resume. */
  policyViolation: 4008,
  /** The client read too slowly and its buffer filled: resume. */
  slowConsumer: 4020,
  /** The server is shutting down or restarting: resume, perhaps on another instance. */
  serverRestart: 4021,
  /** No pong within the heartbeat timeout: resume. */
  idleTimeout: 4022,
} as const;

/** Close codes after which a client should reconnect and sync from its cursor. */
export const resumeCloseCodes: readonly number[] = [
  closeCodes.tokenExpired,
  closeCodes.policyViolation,
  closeCodes.slowConsumer,
  closeCodes.serverRestart,
  closeCodes.idleTimeout,
  1001,
  1006,
  1011,
  1012,
];
