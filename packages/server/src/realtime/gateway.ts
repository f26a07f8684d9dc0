import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { closeCodes, realtimePath, authTimeoutSeconds } from '@natter/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { uuidv7 } from '../lib/ids.ts';
import type { BusMessage, PresenceReader } from '../ports/index.ts';
import { encodingOf } from './codec.ts';
import { Connection, type ConnectionHost } from './connection.ts';
import { ExpiryWheel } from './expiry-wheel.ts';
import { FanoutEngine } from './fanout.ts';
import { authenticateAndOpen, handleMessage } from './frame-router.ts';
import type { GatewayContext } from './gateway-context.ts';
import type { GatewayDeps } from './gateway-deps.ts';
import { GatewayStats, registerGatewayMetrics } from './gateway-metrics.ts';
import { originAllowed, readOffer, refuseUpgrade, selectProtocol } from './handshake.ts';
import { HeartbeatSweep } from './heartbeat.ts';
import { FlushScheduler, Outbound } from './outbound.ts';
import { PresenceTracker } from './presence-tracker.ts';
import type { EncodeListener } from './shared-frame.ts';

/** Timings that have sensible defaults; tests shorten them. */
export interface GatewayOptions {
  /** How long a socket may stay unauthenticated (default: the protocol's authTimeoutSeconds). */
  authTimeoutMs?: number;
  /** How long after a user's last connection closes they are announced offline (default 2 s). */
  presenceOfflineDelayMs?: number;
  /** How long a peer may take to answer our close frame before the socket is dropped (default 5 s). */
  closeGraceMs?: number;
  /** How long close() waits for clients to answer serverRestart (default 2 s). */
  shutdownWaitMs?: number;
  /** Events kept for connections in the middle of a sync (default 50,000). */
  syncJournalMax?: number;
}

/** The running realtime gateway. */
export interface RealtimeGateway {
  /** Stops accepting, closes every connection with serverRestart, and resolves when they are gone. */
  close(): Promise<void>;
  /** Open sockets on the realtime path, authenticated or not. */
  connectionCount(): number;
  /** Who is online, here and (as announced on the bus) on other instances. */
  presence: PresenceReader;
}

/** Attaches the WebSocket gateway to `server` at the realtime path and starts fanning out bus events. */
export function createRealtimeGateway(
  server: Server,
  deps: GatewayDeps,
  options: GatewayOptions = {},
): RealtimeGateway {
  const log = deps.logger.child({ module: 'realtime' });
  const { limits } = deps;
  const closeGraceMs = options.closeGraceMs ?? 5000;
  const connections = new Set<Connection>();
  const stats = new GatewayStats();
  const metrics = registerGatewayMetrics(deps.metrics, stats, () => connections.size);
  const onEncode: EncodeListener = (_type, encoding) => {
    stats.encodings[encoding] += 1;
  };
  const fanout = new FanoutEngine<Connection>({
    toWire: (event) => deps.toWire(event),
    onEncode,
    slice: limits.fanoutSlice,
    journalMax: options.syncJournalMax ?? 50_000,
    batchDuration: metrics.fanoutBatch,
    onError: (error) => {
      log.error({ err: error }, 'fan-out delivery failed');
    },
  });
  const presence = new PresenceTracker(deps.bus, options.presenceOfflineDelayMs ?? 2000, (userId, online) => {
    fanout.publishPresence(userId, online);
  });
  const flusher = new FlushScheduler();
  const bufferLimits = { softBytes: limits.softBufferBytes, hardBytes: limits.hardBufferBytes };
  const host: ConnectionHost = {
    logger: log,
    stats,
    framesPerSecond: limits.framesPerSecond,
    closeGraceMs,
    onClosing,
    onClosed,
    expiry: new ExpiryWheel<Connection>({
      onError: (error) => {
        log.error({ err: error }, 'closing a connection whose token expired failed');
      },
    }),
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: selectProtocol,
  });

  const ctx: GatewayContext = {
    deps,
    fanout,
    presence,
    stats,
    onEncode,
    admit(connection, auth) {
      const { userId } = auth.caller;
      if (fanout.countOf(userId) >= limits.maxConnectionsPerUser) {
        connection.close(closeCodes.tooManyConnections, 'too many connections');
        return false;
      }
      connection.authenticated(auth);
      // A token that expired on the way in closes the connection at once: do not index it.
      if (connection.isClosing()) return false;
      fanout.add(connection);
      presence.connected(userId);
      if (debugging()) connection.logger.debug({}, 'connection open');
      return true;
    },
  };

  // Checked before a per-connection debug line, so quiet connections never build their logger.
  const debugging = (): boolean => log.level === 'debug' || log.level === 'trace';

  let accepting = true;
  let allClosed: (() => void) | undefined;

  function onClosing(connection: Connection): void {
    if (fanout.remove(connection)) presence.disconnected(connection.userId);
  }

  function onClosed(connection: Connection): void {
    connections.delete(connection);
    if (debugging()) connection.logger.debug({ code: connection.closeCode }, 'connection closed');
    if (connections.size === 0) allClosed?.();
  }

  // One set of socket listeners serves every connection: closures per socket cost each of tens of
  // thousands of connections hundreds of bytes (a heap snapshot of 3,000 connections).
  const connectionOf = new WeakMap<WebSocket, Connection>();
  function onSocketClose(this: WebSocket): void {
    connectionOf.get(this)?.socketClosed();
  }
  function onSocketError(this: WebSocket, error: Error): void {
    const connection = connectionOf.get(this);
    if (connection !== undefined && debugging()) connection.logger.debug({ err: error }, 'socket error');
  }
  function onSocketPong(this: WebSocket): void {
    const connection = connectionOf.get(this);
    if (connection !== undefined) connection.lastSeen = Date.now();
  }
  function onSocketMessage(this: WebSocket, data: RawData): void {
    const connection = connectionOf.get(this);
    if (connection !== undefined) handleMessage(ctx, connection, data);
  }

  function onConnection(ws: WebSocket, request: IncomingMessage, socket: Duplex): void {
    const id = uuidv7();
    const encoding = encodingOf(ws.protocol);
    const connection = new Connection({
      id,
      ws,
      encoding,
      origin: { ip: request.socket.remoteAddress ?? '', userAgent: request.headers['user-agent'] ?? null },
      outbound: new Outbound(socket, flusher, bufferLimits, ws, true),
      host,
    });
    connections.add(connection);
    connectionOf.set(ws, connection);
    ws.on('close', onSocketClose);
    ws.on('error', onSocketError);
    ws.on('pong', onSocketPong);
    ws.on('message', onSocketMessage);
    if (!originAllowed(request.headers.origin, deps.allowedOrigins, request.headers.host)) {
      connection.close(closeCodes.originNotAllowed, 'origin not allowed');
      return;
    }
    if (encoding === undefined) {
      connection.close(closeCodes.unsupportedProtocol, 'offer natter.v1.json or natter.v1.msgpack');
      return;
    }
    connection.startAuthTimer(options.authTimeoutMs ?? authTimeoutSeconds * 1000);
    const { token } = readOffer(request.headers['sec-websocket-protocol']);
    if (token !== undefined) void authenticateAndOpen(ctx, connection, token, null);
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== realtimePath) {
      // Another upgrade handler may own that path; answer only when nobody else listens.
      if (server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404);
      return;
    }
    if (!accepting) {
      refuseUpgrade(socket, 503);
      return;
    }
    // Corked, the upgrade's answer waits for the first frames and leaves with them in one write;
    // the connection's Outbound uncorks it at its first flush. ws ends or destroys the socket on
    // every path that does not reach onConnection, and ending a socket uncorks it.
    socket.cork();
    wss.handleUpgrade(request, socket, head, (ws) => {
      onConnection(ws, request, socket);
    });
  }

  function onBusMessage(message: BusMessage): void {
    switch (message.kind) {
      case 'events':
        fanout.publishEvents(message.events);
        return;
      case 'typing':
        fanout.publishTyping(message.roomId, message.userId, message.typing);
        return;
      case 'presence':
        presence.heard(message.userId, message.online);
        return;
      case 'sessions.ended':
        for (const connection of fanout.connectionsOf(message.userId)) {
          const { sessionId } = connection.caller;
          const ended =
            message.sessionIds === 'all' ? sessionId !== message.except : message.sessionIds.includes(sessionId);
          if (ended) connection.close(closeCodes.sessionEnded, 'session ended');
        }
        return;
    }
  }

  const heartbeat = new HeartbeatSweep(connections, limits.heartbeatSeconds * 1000);

  const unsubscribe = deps.bus.subscribe(onBusMessage);
  server.on('upgrade', onUpgrade);

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    accepting = false;
    heartbeat.stop();
    unsubscribe();
    const gone = new Promise<void>((resolve) => {
      allClosed = resolve;
    });
    for (const connection of [...connections]) connection.close(closeCodes.serverRestart, 'server restarting: resume');
    presence.close();
    if (connections.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.shutdownWaitMs ?? 2000);
      });
      await Promise.race([gone, timeout]);
      clearTimeout(timer);
    }
    for (const connection of connections) connection.ws.terminate();
    server.off('upgrade', onUpgrade);
    wss.close();
    metrics.unregister();
  }

  return {
    close: () => (closing ??= shutdown()),
    connectionCount: () => connections.size,
    presence,
  };
}
