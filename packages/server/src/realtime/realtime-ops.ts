import { closeCodes, type ClientFrame, type SyncRequest } from '@natter/protocol';
import { AppError } from '../modules/app-error.ts';
import type { Connection } from './connection.ts';
import { parseBody } from './frame-schemas.ts';
import type { GatewayContext } from './gateway-context.ts';
import { LiveStreams, type LiveStreamsContext } from './live-streams.ts';
import type { PreparedEvent } from './shared-frame.ts';

/** Answers one client frame; `reply` sends its result frame, a throw becomes its error frame. */
export type OpHandler = (
  ctx: GatewayContext,
  connection: Connection,
  frame: ClientFrame,
  reply: (data: unknown) => void,
) => Promise<void>;

/** A fresh token on an open socket keeps it open past the old token's expiry. */
const auth: OpHandler = async (ctx, connection, frame, reply) => {
  const { accessToken } = parseBody('auth', frame.input);
  const verified = await ctx.deps.authenticate(accessToken);
  const current = connection.caller;
  if (verified.caller.userId !== current.userId || verified.caller.sessionId !== current.sessionId) {
    throw new AppError('forbidden', 'This token belongs to another session; open a new connection for it.');
  }
  connection.authenticated(verified);
  reply({ expiresAt: new Date(verified.expiresAt).toISOString() });
};

/**
 * Replaces the set of people whose presence this connection receives. People who blocked the
 * watcher are answered as offline and never watched, so a block cannot be told from absence.
 */
const presenceWatch: OpHandler = async (ctx, connection, frame, reply) => {
  const { userIds } = parseBody('presence.watch', frame.input);
  const request = ++connection.watchRequests;
  const watcherId = connection.userId;
  const allowed = await Promise.all(userIds.map((userId) => ctx.deps.presencePolicy(watcherId, userId)));
  const watched = new Set(userIds.filter((_, i) => allowed[i] === true));
  // A later watch that finished first has already set the list; this one only answers.
  if (request === connection.watchRequests) ctx.fanout.watch(connection, watched);
  reply({ users: userIds.map((userId) => ({ userId, online: watched.has(userId) && ctx.presence.isOnline(userId) })) });
};

const ping: OpHandler = (_ctx, _connection, _frame, reply) => {
  reply({ serverTime: new Date().toISOString() });
  return Promise.resolve();
};

/** Syncs run one at a time per connection, in the order they arrived. */
const sync: OpHandler = async (ctx, connection, frame, reply) => {
  const request = parseBody('sync', frame.input);
  const run = connection.syncQueue.then(() => runSync(ctx, connection, request, reply));
  connection.syncQueue = run.catch(() => undefined);
  await run;
};

/**
 * The handover from catch-up to live delivery. Events published while the sync reads are
 * recorded; the reply goes out; the streams take their positions from its cursor and follow the
 * member rooms; then the recorded events are replayed through those positions, which keeps the
 * ones the reply did not cover. Anything still missing shows up as a gap and is read from the log.
 */
async function runSync(
  ctx: GatewayContext,
  connection: Connection,
  request: SyncRequest,
  reply: (data: unknown) => void,
): Promise<void> {
  if (connection.phase === 'closing') return;
  const mark = ctx.fanout.beginSync();
  let result;
  try {
    result = await ctx.deps.sync.sync(connection.caller, request);
  } catch (error) {
    // Streams positioned by an earlier sync kept receiving live events meanwhile.
    ctx.fanout.endSync(mark);
    throw error;
  }
  reply(result.response);
  const recorded = ctx.fanout.endSync(mark);
  if (connection.isClosing()) return;
  const streams = (connection.streams ??= liveStreamsFor(ctx, connection));
  streams.applySync(result.response.cursor, result.memberRoomIds);
  if (recorded === null) {
    connection.close(closeCodes.slowConsumer, 'too much happened during sync: resume');
    return;
  }
  for (const event of recorded) streams.offer(event);
}

function liveStreamsFor(ctx: GatewayContext, connection: Connection): LiveStreams {
  return new LiveStreams(new ConnectionStreams(ctx, connection));
}

/** What one connection's live streams act on: one object per connection, its methods shared. */
class ConnectionStreams implements LiveStreamsContext {
  readonly userId: string;
  readonly sync: LiveStreamsContext['sync'];
  readonly onEncode: LiveStreamsContext['onEncode'];
  readonly #ctx: GatewayContext;
  readonly #connection: Connection;

  constructor(ctx: GatewayContext, connection: Connection) {
    this.userId = connection.userId;
    this.sync = ctx.deps.sync;
    this.onEncode = ctx.onEncode;
    this.#ctx = ctx;
    this.#connection = connection;
  }

  send(event: PreparedEvent): void {
    this.#connection.pushShared(event.frame, false);
  }

  follow(roomId: string): void {
    this.#ctx.fanout.follow(this.#connection, roomId);
  }

  unfollow(roomId: string): void {
    this.#ctx.fanout.unfollow(this.#connection, roomId);
  }

  failed(error: unknown): void {
    this.#connection.logger.error({ err: error }, 'live delivery failed; the client must resume');
    this.#connection.close(1011, 'delivery failed: resume');
  }

  warn(fields: object, message: string): void {
    this.#connection.logger.warn(fields, message);
  }
}

/** The ops only the realtime transport has, by name; every other op goes to the dispatcher. */
export const realtimeHandlers: ReadonlyMap<string, OpHandler> = new Map([
  ['auth', auth],
  ['presence.watch', presenceWatch],
  ['ping', ping],
  ['sync', sync],
]);
