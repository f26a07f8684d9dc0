import { closeCodes, protocolVersion, type ClientFrame } from '@natter/protocol';
import type { RawData } from 'ws';
import { AppError } from '../modules/app-error.ts';
import { decodePayload } from './codec.ts';
import type { Connection } from './connection.ts';
import { presentError } from './error-frames.ts';
import { envelopeProblems, frameIdOf, isClientFrame, parseBody } from './frame-schemas.ts';
import type { GatewayContext } from './gateway-context.ts';
import { authCloseCode } from './handshake.ts';
import { realtimeHandlers } from './realtime-ops.ts';

type FrameId = string | number | null;

/** Handles one client frame: authentication first, then budget, decoding, and the op. */
export function handleMessage(ctx: GatewayContext, connection: Connection, data: RawData): void {
  if (connection.phase === 'closing') return;
  const now = Date.now();
  connection.lastSeen = now;
  if (connection.phase === 'authenticating') {
    handleFirstFrame(ctx, connection, data);
    return;
  }
  const wait = connection.budget.take(now);
  const decoded = decode(connection, data);
  if (wait > 0) {
    ctx.stats.frameIn('rate_limited');
    const id = decoded.ok ? frameIdOf(decoded.value) : null;
    sendError(connection, id, new AppError('rate_limited', 'Too many frames; slow down.', { retryAfterSeconds: wait }));
    strike(connection, now, 'kept sending too fast');
    return;
  }
  if (!decoded.ok) {
    ctx.stats.frameIn('unreadable');
    const unreadable =
      connection.encoding === 'msgpack'
        ? new AppError('bad_request', 'The frame is not valid MessagePack.')
        : new AppError('invalid_json', 'The frame is not valid JSON.');
    sendError(connection, null, unreadable);
    strike(connection, now, 'kept sending unreadable frames');
    return;
  }
  if (!isClientFrame(decoded.value)) {
    ctx.stats.frameIn('unreadable');
    const problems = envelopeProblems();
    sendError(
      connection,
      frameIdOf(decoded.value),
      new AppError('validation_failed', 'The frame is not valid.', { problems }),
    );
    strike(connection, now, 'kept sending malformed frames');
    return;
  }
  runOp(ctx, connection, decoded.value);
}

/**
 * Authenticates with a token offered as a subprotocol, or sent as the first frame. Frames that
 * arrive while the check is in flight wait for it.
 */
export async function authenticateAndOpen(
  ctx: GatewayContext,
  connection: Connection,
  token: string,
  frameId: FrameId,
): Promise<void> {
  connection.authInFlight = true;
  let verified;
  try {
    verified = await ctx.deps.authenticate(token);
  } catch (error) {
    connection.authInFlight = false;
    const code = authCloseCode(error);
    if (code === 1011) connection.logger.error({ err: error }, 'authentication failed unexpectedly');
    if (frameId !== null) sendError(connection, frameId, error);
    connection.close(code, code === 1011 ? 'try again later' : 'authentication failed');
    return;
  }
  connection.authInFlight = false;
  if (connection.phase === 'closing' || !ctx.admit(connection, verified)) return;
  const { limits } = ctx.deps;
  connection.send({
    type: 'hello',
    protocol: protocolVersion,
    userId: verified.caller.userId,
    sessionId: verified.caller.sessionId,
    connectionId: connection.id,
    serverTime: new Date().toISOString(),
    limits: {
      maxFrameBytes: limits.maxFrameBytes,
      framesPerSecond: limits.framesPerSecond,
      messageMaxBytes: limits.messageMaxBytes,
    },
  });
  if (frameId !== null) {
    connection.send({ type: 'result', id: frameId, data: { expiresAt: new Date(verified.expiresAt).toISOString() } });
  }
  for (const stashed of connection.takeStash()) handleMessage(ctx, connection, stashed);
}

function handleFirstFrame(ctx: GatewayContext, connection: Connection, data: RawData): void {
  if (connection.authInFlight) {
    // Bounded like the frame budget's burst: a client has no reason to send more before hello.
    if (!connection.stashFrame(data, ctx.deps.limits.framesPerSecond * 2)) {
      connection.close(closeCodes.policyViolation, 'too many frames before hello');
    }
    return;
  }
  const decoded = decode(connection, data);
  if (!decoded.ok || !isClientFrame(decoded.value) || decoded.value.op !== 'auth') {
    ctx.stats.frameIn('unreadable');
    connection.close(closeCodes.unauthenticated, 'send an auth frame first');
    return;
  }
  ctx.stats.frameIn('auth');
  const frame = decoded.value;
  let token: string;
  try {
    token = parseBody('auth', frame.input).accessToken;
  } catch (error) {
    sendError(connection, frame.id, error);
    connection.close(closeCodes.unauthenticated, 'send an auth frame first');
    return;
  }
  void authenticateAndOpen(ctx, connection, token, frame.id);
}

function runOp(ctx: GatewayContext, connection: Connection, frame: ClientFrame): void {
  const { id, op } = frame;
  const handler = realtimeHandlers.get(op);
  const known = handler !== undefined || ctx.deps.dispatcher.has(op);
  ctx.stats.frameIn(known ? op : 'unknown');
  if (!known) {
    sendError(connection, id, new AppError('not_found', 'No such operation.'));
    return;
  }
  const reply = (data: unknown): void => {
    connection.send({ type: 'result', id, data: data ?? null });
  };
  const work =
    handler !== undefined
      ? handler(ctx, connection, frame, reply)
      : ctx.deps.dispatcher.dispatch(op, frame.input ?? {}, connection.caller, connection.origin).then(reply);
  work.catch((error: unknown) => {
    sendError(connection, id, error);
  });
}

function decode(connection: Connection, data: RawData): { ok: true; value: unknown } | { ok: false } {
  if (connection.encoding === undefined) return { ok: false };
  try {
    return { ok: true, value: decodePayload(data, connection.encoding) };
  } catch {
    return { ok: false };
  }
}

function sendError(connection: Connection, id: FrameId, error: unknown): void {
  connection.send({ type: 'error', id, error: presentError(error, connection.logger) });
}

function strike(connection: Connection, now: number, reason: string): void {
  if (connection.budget.strike(now)) connection.close(closeCodes.policyViolation, reason);
}
