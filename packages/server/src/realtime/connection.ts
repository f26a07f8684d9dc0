import { closeCodes, type ServerFrame } from '@natter/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Caller, Origin } from '../modules/auth/auth-context.ts';
import { encodeFrame, type Encoding } from './codec.ts';
import type { FanoutTarget } from './fanout.ts';
import { FrameBudget } from './frame-budget.ts';
import type { ExpiryWheel } from './expiry-wheel.ts';
import type { Authenticated } from './gateway-deps.ts';
import type { GatewayStats } from './gateway-metrics.ts';
import type { LiveStreams } from './live-streams.ts';
import type { Outbound } from './outbound.ts';
import type { PreparedEvent, SharedFrame } from './shared-frame.ts';

/** Where a connection is in its life. */
export type ConnectionPhase = 'authenticating' | 'open' | 'closing';

/** What every connection of a gateway shares: one object for all of them. */
export interface ConnectionHost {
  /** The gateway's logger; the connection's own is a child of it with the connection's id. */
  logger: FastifyBaseLogger;
  stats: GatewayStats;
  framesPerSecond: number;
  /** How long a closing peer may take to answer our close frame before the socket is dropped. */
  closeGraceMs: number;
  /** Called once when the connection starts closing, from either side: unindex it. */
  onClosing(connection: Connection): void;
  /** Called once when the socket is gone. */
  onClosed(connection: Connection): void;
  /** Closes connections whose token ran out. */
  expiry: ExpiryWheel<Connection>;
}

/** Everything a connection is built from. */
export interface ConnectionInit {
  id: string;
  ws: WebSocket;
  /** Undefined when the client offered no encoding we speak (the connection is closed at once). */
  encoding: Encoding | undefined;
  origin: Origin;
  outbound: Outbound;
  host: ConnectionHost;
}

/** One client socket: its identity, its outbound queue, its budget, and how it ends. */
export class Connection implements FanoutTarget {
  readonly id: string;
  readonly ws: WebSocket;
  readonly encoding: Encoding | undefined;
  readonly origin: Origin;
  readonly budget: FrameBudget;
  /** Last time anything came from the client (a pong or a frame), epoch ms. */
  lastSeen = Date.now();
  /** Set once a sync reply positioned the connection's streams. */
  streams: LiveStreams | null = null;
  authInFlight = false;
  /** Syncs run one after another on a connection. */
  syncQueue: Promise<void> = Promise.resolve();
  /** Numbers presence.watch requests so a slow earlier one cannot overwrite a later one. */
  watchRequests = 0;
  readonly #host: ConnectionHost;
  readonly #outbound: Outbound;
  /** Frames that arrived while the first authentication was in flight, handled after it. */
  #stash: RawData[] | null = null;
  #caller: Caller | null = null;
  #expiresAt = 0;
  #phase: ConnectionPhase = 'authenticating';
  #graceTimer: NodeJS.Timeout | undefined;
  #authTimer: NodeJS.Timeout | undefined;
  #closeCode: number | undefined;
  #logger: FastifyBaseLogger | undefined;

  constructor(init: ConnectionInit) {
    this.#host = init.host;
    this.#outbound = init.outbound;
    this.id = init.id;
    this.ws = init.ws;
    this.encoding = init.encoding;
    this.origin = init.origin;
    this.budget = new FrameBudget(init.host.framesPerSecond, Date.now());
  }

  /** The socket is gone (the gateway's close listener calls this once). */
  socketClosed(): void {
    clearTimeout(this.#graceTimer);
    this.#closing();
    this.#host.onClosed(this);
  }

  /**
   * This connection's logger, made on first use, with its id and, once authenticated, its user's:
   * a pino child per socket costs memory and time that 20,000 quiet connections would pay for nothing.
   */
  get logger(): FastifyBaseLogger {
    const userId = this.#caller?.userId;
    return (this.#logger ??= this.#host.logger.child(
      userId === undefined ? { connectionId: this.id } : { connectionId: this.id, userId },
    ));
  }

  /** Keeps a frame that arrived while the first authentication was in flight; false when too many wait. */
  stashFrame(data: RawData, max: number): boolean {
    const stash = (this.#stash ??= []);
    if (stash.length >= max) return false;
    stash.push(data);
    return true;
  }

  /** The frames stashed during authentication, in arrival order, and forgets them. */
  takeStash(): RawData[] {
    const stash = this.#stash ?? [];
    this.#stash = null;
    return stash;
  }

  /** The signed-in user's id; empty before authentication. */
  get userId(): string {
    return this.#caller?.userId ?? '';
  }

  /** The signed-in caller; only open connections have one. */
  get caller(): Caller {
    if (this.#caller === null) throw new Error('connection is not authenticated');
    return this.#caller;
  }

  /** Token expiry, epoch ms. */
  get expiresAt(): number {
    return this.#expiresAt;
  }

  /** Where the connection is in its life. */
  get phase(): ConnectionPhase {
    return this.#phase;
  }

  /** True once closing began; a method, so a check after an await reads the state anew. */
  isClosing(): boolean {
    return this.#phase === 'closing';
  }

  /** The close code we sent, if we closed it. */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  /** Closes with unauthenticated unless a token is verified within `ms`. */
  startAuthTimer(ms: number): void {
    this.#authTimer = setTimeout(() => {
      if (this.#phase === 'authenticating') this.close(closeCodes.unauthenticated, 'no token in time');
    }, ms);
    this.#authTimer.unref();
  }

  /** Records a verified token (at open or by a later `auth` frame) and when it runs out. */
  authenticated(auth: Authenticated): void {
    clearTimeout(this.#authTimer);
    this.#authTimer = undefined;
    if (this.#caller?.userId !== auth.caller.userId) this.#logger = undefined;
    this.#caller = auth.caller;
    this.#host.expiry.remove(this);
    this.#expiresAt = auth.expiresAt;
    if (this.#phase === 'authenticating') this.#phase = 'open';
    if (this.#phase === 'closing') return;
    if (this.#expiresAt <= Date.now()) this.expired();
    else this.#host.expiry.add(this);
  }

  /** The token ran out (the gateway's expiry wheel calls this). */
  expired(): void {
    this.close(closeCodes.tokenExpired, 'token expired');
  }

  /** Encodes a frame for this connection alone (hello, results, errors) and queues it. */
  send(frame: ServerFrame): void {
    if (this.encoding === undefined || this.#phase === 'closing') return;
    this.#push(encodeFrame(frame, this.encoding), false, frame.type);
  }

  /** Queues bytes shared with other recipients. */
  pushShared(frame: SharedFrame, ephemeral: boolean): void {
    if (this.encoding === undefined || this.#phase === 'closing') return;
    this.#push(frame.bytes(this.encoding), ephemeral, frame.type);
  }

  /** Heartbeat: asks the client for a pong. */
  ping(): void {
    this.ws.ping();
  }

  /** Heartbeat: the client answered nothing for too long. */
  closeIdle(): void {
    this.close(closeCodes.idleTimeout, 'no pong: resume');
  }

  /** Hands a live event to this connection's streams, which deliver it in order or not at all. */
  offerEvent(event: PreparedEvent): void {
    this.streams?.offer(event);
  }

  /**
   * Closes with a named code. What is queued goes out first, except on slowConsumer, where the
   * queue is the problem. A peer that does not answer the close frame is dropped after a grace period.
   */
  close(code: number, reason: string): void {
    if (this.#phase === 'closing') return;
    this.#closeCode = code;
    this.#outbound.end(code !== closeCodes.slowConsumer);
    this.#closing();
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason);
    this.#graceTimer = setTimeout(() => {
      this.ws.terminate();
    }, this.#host.closeGraceMs);
    this.#graceTimer.unref();
  }

  #push(bytes: Buffer, ephemeral: boolean, type: ServerFrame['type']): void {
    const stats = this.#host.stats;
    const result = this.#outbound.push(bytes, ephemeral);
    if (result === 'queued') {
      stats.framesOut[type] += 1;
    } else if (result === 'dropped') {
      if (ephemeral) stats.ephemeralDropped += 1;
    } else {
      stats.slowConsumerCloses += 1;
      this.logger.info({ pendingBytes: this.#outbound.pendingBytes() }, 'closing a slow consumer');
      this.close(closeCodes.slowConsumer, 'too slow: resume from your cursor');
    }
  }

  /** Runs once, whichever side closes first. */
  #closing(): void {
    if (this.#phase === 'closing') return;
    this.#phase = 'closing';
    this.#outbound.end(false);
    this.#host.expiry.remove(this);
    clearTimeout(this.#authTimer);
    this.streams?.stop();
    this.#host.onClosing(this);
  }
}
