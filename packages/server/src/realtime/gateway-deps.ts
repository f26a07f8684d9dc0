import type { RoomEvent, SyncRequest, SyncResponse, UserEvent } from '@natter/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import type { Caller, Origin } from '../modules/auth/auth-context.ts';
import type { EventBus, StoredEvent } from '../ports/index.ts';

/** A verified access token: who, and until when the token is good (epoch ms). */
export interface Authenticated {
  caller: Caller;
  expiresAt: number;
}

/** Runs any operation of the endpoint table, exactly as REST does: validation, access, service call. */
export interface OperationDispatcher {
  /** True when `op` names an operation a signed-in caller may run over the realtime transport. */
  has(op: string): boolean;
  /**
   * Validates `input` ({params?, query?, body?}) against the operation's schemas and runs it.
   * Throws AppError (validation_failed, forbidden, not_found for an unknown op, ...) on failure.
   */
  dispatch(op: string, input: unknown, caller: Caller, origin: Origin): Promise<unknown>;
}

/** The reads the gateway needs to sync a connection and to fill gaps in what it pushed. */
export interface SyncSource {
  /**
   * Runs a sync exactly like the REST `sync` operation (validated request) and also returns the
   * ids of every room the caller is a member of now, which the connection then follows live.
   */
  sync(caller: Caller, request: SyncRequest): Promise<{ response: SyncResponse; memberRoomIds: string[] }>;
  /** A room's events with seq in (afterSeq, throughSeq], ascending, as wire events. */
  roomEvents(roomId: string, afterSeq: number, throughSeq: number): Promise<RoomEvent[]>;
  /** A user's events with seq > afterSeq, ascending, at most `limit`, as wire events. */
  userEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]>;
}

/** Whether `watcherId` may see `targetId`'s presence (false when the target blocked the watcher). */
export type PresencePolicy = (watcherId: string, targetId: string) => Promise<boolean>;

/** Tunables of the realtime gateway, from config. */
export interface GatewayLimits {
  /** Largest client frame in bytes (ws maxPayload). */
  maxFrameBytes: number;
  /** Client frames per second per connection (token bucket; burst of twice that). */
  framesPerSecond: number;
  /** Open connections per user; the next one is closed with tooManyConnections. */
  maxConnectionsPerUser: number;
  /** Ping interval; a connection silent for two intervals is closed with idleTimeout. */
  heartbeatSeconds: number;
  /** Above this many queued outbound bytes, typing and presence frames are dropped. */
  softBufferBytes: number;
  /** Above this many, the connection is closed with slowConsumer (the client resumes). */
  hardBufferBytes: number;
  /** Recipients handled per event-loop turn when fanning out to a large room. */
  fanoutSlice: number;
  /** Largest message body in bytes, announced in hello. */
  messageMaxBytes: number;
}

/** Everything the gateway depends on, built by the composition root. */
export interface GatewayDeps {
  logger: FastifyBaseLogger;
  /** Verifies an access token and its session; throws AppError (unauthenticated, token_expired, session_revoked, account_disabled). */
  authenticate(accessToken: string): Promise<Authenticated>;
  dispatcher: OperationDispatcher;
  sync: SyncSource;
  bus: EventBus;
  /** Turns a stored event into its wire form (done once per event, before fan-out). */
  toWire(event: StoredEvent): RoomEvent | UserEvent;
  presencePolicy: PresencePolicy;
  /** Origins allowed to open a connection from a browser (the public URL's and NATTER_CORS_ORIGINS). */
  allowedOrigins: readonly string[];
  limits: GatewayLimits;
  metrics: Registry;
}
