// A stand-in for Natter's WebSocket gateway, for the SDK's unit tests only: a real `ws` server on
// 127.0.0.1 port 0 that speaks the realtime protocol (subprotocol auth, hello, sync, sendMessage
// with txnId idempotency, live pushes, close codes) and lets a test misbehave on purpose: drop
// sockets, close with any code, hold acknowledgements, push duplicates or skip events. The real
// server is exercised through the SDK by the integration suites.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Packr } from 'msgpackr';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  authSubprotocolPrefix,
  closeCodes,
  realtimePath,
  subprotocols,
  type AnyEvent,
  type AuthResult,
  type ClientFrame,
  type SyncRequest,
} from '@natter/protocol';
import { FakeChatLog, me } from './fake-chat-log.ts';

const packr = new Packr({ useRecords: false });

/** What a handler answers: data for a result frame, an error, or nothing at all (the call hangs). */
export type OpReply = { data: unknown } | { error: { code: string; message: string; details?: unknown } } | 'silent';

/** Overrides one op; return undefined to fall back to the built-in behaviour. */
export type OpHandler = (frame: ClientFrame, connection: FakeConnection) => OpReply | undefined;

/** One accepted socket. */
export interface FakeConnection {
  readonly socket: WebSocket;
  readonly encoding: 'json' | 'msgpack';
  /** The access token presented at the upgrade, or by the latest `auth` frame. */
  token: string;
  /** Live events are pushed only after the first sync answer, as the real server does. */
  synced: boolean;
  expiryTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Options of the fake server. */
export interface FakeRealtimeOptions {
  /** Lifetime of issued access tokens; the socket is closed with tokenExpired when it runs out. */
  readonly accessTtlMs?: number;
  /** Most events per stream in one sync answer unless the client asks for fewer. */
  readonly syncLimit?: number;
}

/** The fake server: `log` holds the data, the rest is the transport. */
export class FakeRealtimeServer {
  readonly log = new FakeChatLog();
  /** Every client frame, in arrival order, with the index of the socket it came on. */
  readonly frames: { connection: number; frame: ClientFrame }[] = [];
  /** Every socket accepted so far, including closed ones. */
  readonly connections: FakeConnection[] = [];
  /** Per-op overrides. */
  readonly handlers = new Map<string, OpHandler>();
  /** POST /auth/refresh requests served. */
  refreshCount = 0;
  /** Who is online, for presence.watch answers. */
  readonly online = new Set<string>();
  /** Access tokens the server refuses with sessionEnded. */
  sessionEnded = false;
  readonly #tokens = new Map<string, number>(); // access token → expiry (ms)
  #refreshToken = '';
  #counter = 0;
  readonly #accessTtlMs: number;
  readonly #syncLimit: number;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  baseUrl = '';

  private constructor(options: FakeRealtimeOptions) {
    this.#accessTtlMs = options.accessTtlMs ?? 15 * 60_000;
    this.#syncLimit = options.syncLimit ?? 100;
    this.#http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const reply = this.#rest(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks).toString('utf8'));
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.json));
      });
    });
    this.#wss = new WebSocketServer({
      server: this.#http,
      path: realtimePath,
      handleProtocols: (offered) =>
        [...offered].find((p) => p === subprotocols.json || p === subprotocols.msgpack) ?? false,
    });
    this.#wss.on('connection', (socket, request) => {
      const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      const token = offered.find((p) => p.startsWith(authSubprotocolPrefix))?.slice(authSubprotocolPrefix.length) ?? '';
      this.#accept(socket, token);
    });
  }

  /** Starts a server on an ephemeral port. */
  static async start(options: FakeRealtimeOptions = {}): Promise<FakeRealtimeServer> {
    const server = new FakeRealtimeServer(options);
    await new Promise<void>((resolve) => server.#http.listen(0, '127.0.0.1', resolve));
    server.baseUrl = `http://127.0.0.1:${(server.#http.address() as AddressInfo).port}`;
    return server;
  }

  /** Opens a session the way login does. */
  issue(): AuthResult {
    const n = ++this.#counter;
    const accessToken = `access-${n}`;
    this.#refreshToken = `refresh-${n}`;
    const expires = Date.now() + this.#accessTtlMs;
    this.#tokens.set(accessToken, expires);
    return {
      user: {
        id: me,
        username: 'alice',
        email: 'a@example.com',
        displayName: 'Alice',
        bio: '',
        role: 'user',
        createdAt: '2025-01-01T00:00:00.000Z',
      },
      sessionId: 's1',
      accessToken,
      accessTokenExpiresAt: new Date(expires).toISOString(),
      refreshToken: this.#refreshToken,
      refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
  }

  /** Makes every token issued so far count as expired. */
  expireTokens(): void {
    for (const token of this.#tokens.keys()) this.#tokens.set(token, 0);
  }

  /** Sockets still open. */
  get open(): FakeConnection[] {
    return this.connections.filter((c) => c.socket.readyState === c.socket.OPEN);
  }

  /** Frames of one op, in order. */
  framesOf(op: string): ClientFrame[] {
    return this.frames.filter((f) => f.frame.op === op).map((f) => f.frame);
  }

  /** Pushes an event to every synced socket (use it to push duplicates or events past a hole). */
  push(event: AnyEvent): void {
    for (const connection of this.open) if (connection.synced) this.#write(connection, { type: 'event', event });
  }

  /** Appends a message to a room's log and pushes it live. */
  publishMessage(roomId: string, body: string): AnyEvent {
    const event = this.log.appendMessage(roomId, body);
    this.push(event);
    return event;
  }

  /** Sends any frame to every open socket. */
  broadcast(frame: unknown): void {
    for (const connection of this.open) this.#write(connection, frame);
  }

  /** Cuts every socket without a close frame: the client sees 1006, as on network loss. */
  dropAll(): void {
    for (const connection of this.open) connection.socket.terminate();
  }

  /** Closes every socket with a close code. */
  closeAll(code: number, reason = ''): void {
    for (const connection of this.open) connection.socket.close(code, reason);
  }

  /** Stops the server. */
  async close(): Promise<void> {
    for (const connection of this.connections) {
      clearTimeout(connection.expiryTimer);
      connection.socket.terminate();
    }
    await new Promise<void>((resolve) => {
      this.#wss.close(() => {
        resolve();
      });
    });
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#http.close(() => {
        resolve();
      });
    });
  }

  #rest(method: string, url: string, body: string): { status: number; json: unknown } {
    if (method !== 'POST' || url !== '/api/v1/auth/refresh') {
      return { status: 404, json: { error: { code: 'not_found', message: 'No route', requestId: 'r' } } };
    }
    this.refreshCount++;
    const { refreshToken } = JSON.parse(body) as { refreshToken: string };
    if (this.sessionEnded || refreshToken !== this.#refreshToken) {
      return { status: 401, json: { error: { code: 'session_revoked', message: 'Session ended', requestId: 'r' } } };
    }
    return { status: 200, json: this.issue() };
  }

  /** Why a token is refused, as a close code; undefined when it is good. */
  #refusal(token: string): number | undefined {
    const expires = this.#tokens.get(token);
    if (expires === undefined) return closeCodes.unauthenticated;
    if (this.sessionEnded) return closeCodes.sessionEnded;
    return expires <= Date.now() ? closeCodes.tokenExpired : undefined;
  }

  #accept(socket: WebSocket, token: string): void {
    const encoding = socket.protocol === subprotocols.msgpack ? 'msgpack' : 'json';
    const connection: FakeConnection = { socket, encoding, token, synced: false, expiryTimer: undefined };
    const index = this.connections.push(connection) - 1;
    socket.on('message', (data: RawData, isBinary) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      const frame = (isBinary ? packr.unpack(bytes) : JSON.parse(bytes.toString('utf8'))) as ClientFrame;
      this.frames.push({ connection: index, frame });
      void this.#onFrame(connection, frame);
    });
    socket.on('close', () => {
      clearTimeout(connection.expiryTimer);
    });
    const refusal = this.#refusal(token);
    if (refusal !== undefined) {
      socket.close(refusal, 'refused');
      return;
    }
    this.#authenticated(connection, token);
    this.#write(connection, {
      type: 'hello',
      protocol: 1,
      userId: me,
      sessionId: 's1',
      connectionId: `c${index}`,
      serverTime: new Date().toISOString(),
      limits: { maxFrameBytes: 65_536, framesPerSecond: 50, messageMaxBytes: 16_384 },
    });
  }

  /** Closes the socket with tokenExpired when its token runs out, as the real server does. */
  #authenticated(connection: FakeConnection, token: string): void {
    connection.token = token;
    clearTimeout(connection.expiryTimer);
    const left = (this.#tokens.get(token) ?? 0) - Date.now();
    connection.expiryTimer = setTimeout(() => {
      connection.socket.close(closeCodes.tokenExpired, 'token expired');
    }, left);
  }

  async #onFrame(connection: FakeConnection, frame: ClientFrame): Promise<void> {
    await sleep(1); // answer on a later turn, like a server that awaits its store
    const reply = this.handlers.get(frame.op)?.(frame, connection) ?? this.#builtIn(connection, frame);
    if (reply === 'silent' || connection.socket.readyState !== connection.socket.OPEN) return;
    if ('error' in reply) this.#write(connection, { type: 'error', id: frame.id, error: reply.error });
    else this.#write(connection, { type: 'result', id: frame.id, data: reply.data });
    if (frame.op === 'sync') connection.synced = true;
  }

  #builtIn(connection: FakeConnection, frame: ClientFrame): OpReply {
    const body = frame.input?.body as Record<string, unknown> | undefined;
    const params = frame.input?.params as Record<string, string> | undefined;
    switch (frame.op) {
      case 'sync': {
        const { cursor, limit } = body as unknown as SyncRequest;
        return { data: this.log.sync(cursor, Math.min(limit ?? this.#syncLimit, this.#syncLimit)) };
      }
      case 'sendMessage': {
        const { result, event } = this.log.send(params?.roomId ?? '', String(body?.txnId), String(body?.body));
        if (event) this.push(event);
        return { data: result };
      }
      case 'auth': {
        const token = String(body?.accessToken);
        if (this.#refusal(token) !== undefined) return { error: { code: 'unauthenticated', message: 'Bad token' } };
        this.#authenticated(connection, token);
        return { data: {} };
      }
      case 'ping':
        return { data: { serverTime: new Date().toISOString() } };
      case 'presence.watch': {
        const userIds = (body?.userIds ?? []) as string[];
        return { data: { users: userIds.map((userId) => ({ userId, online: this.online.has(userId) })) } };
      }
      default:
        return { error: { code: 'not_found', message: `No op ${frame.op}` } };
    }
  }

  #write(connection: FakeConnection, frame: unknown): void {
    connection.socket.send(connection.encoding === 'msgpack' ? packr.pack(frame) : JSON.stringify(frame));
  }
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}
