import type { ClientFrame, Cursor, HelloFrame, SendResult } from '@natter/protocol';
import type { CallOptions } from '../endpoint-types.ts';
import { NatterNetworkError } from '../errors.ts';
import type { NatterClient } from '../natter-client.ts';
import type { Session } from '../session-manager.ts';
import { backoffDelay, defaultBackoff } from './backoff.ts';
import { CallTracker, retryRateLimited } from './call-tracker.ts';
import type { RealtimeCodec, WireData } from './codec.ts';
import type {
  ConnectionState,
  EndedInfo,
  RealtimeEvents,
  RealtimeOptions,
  WebSocketConstructor,
} from './connection-types.ts';
import { CursorTracker } from './cursor-tracker.ts';
import { Emitter, type Handler } from './emitter.ts';
import { dispatchFrame, type FrameHost } from './frame-dispatch.ts';
import { jsonCodec } from './json-codec.ts';
import { scheduleReauth, startHeartbeat, tokenFailure, type KeepaliveHost } from './keepalive.ts';
import { clearTimers, closeOutcome, later, newLink, openSocket, realtimeUrl, type Link } from './link.ts';
import type { OpArgs, OpResponse, RealtimeOpName } from './op-types.ts';
import type { PendingSend, SendBody } from './outbox.ts';
import { readPresenceAnswer } from './server-frames.ts';
import { Sender } from './sender.ts';
import { SyncPipeline } from './sync-pipeline.ts';
import { TokenKeeper } from './token-keeper.ts';

export { realtimeUrl };

/**
 * The realtime half of the SDK: one logical connection that survives socket drops. It resumes from
 * its cursor after every reconnect, delivers each logged event once and in order, surfaces skipped
 * history as `gap`, keeps the access token fresh over the open socket, and re-sends unacknowledged
 * messages with their original txnId so that a retry never doubles a message.
 */
export class RealtimeConnection {
  readonly #url: string;
  readonly #codec: RealtimeCodec;
  readonly #WebSocket: WebSocketConstructor;
  readonly #options: RealtimeOptions;
  readonly #emitter = new Emitter<RealtimeEvents>();
  readonly #cursor: CursorTracker;
  readonly #calls = new CallTracker();
  readonly #tokens: TokenKeeper;
  readonly #sender: Sender;
  readonly #keepalive: KeepaliveHost;
  readonly #frames: FrameHost;
  #state: ConnectionState = 'offline';
  #link: Link | null = null;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The token the server refused last, so the reconnect that follows refreshes it first. */
  #rejectedToken: string | undefined;
  #hello: HelloFrame | null = null;
  #watched: readonly string[] = [];

  constructor(client: NatterClient, options: RealtimeOptions = {}) {
    this.#url = realtimeUrl(client.baseUrl);
    this.#codec = options.encoding === undefined || options.encoding === 'json' ? jsonCodec : options.encoding;
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.#options = options;
    this.#cursor = new CursorTracker(options.cursor);
    this.#tokens = new TokenKeeper(client);
    const callOn = this.#callOn.bind(this);
    this.#sender = new Sender({
      emitter: this.#emitter,
      backoff: options.backoff ?? defaultBackoff,
      liveLink: () => (this.#state === 'live' ? this.#link : null),
      callOn,
    });
    this.#keepalive = {
      tokens: this.#tokens,
      heartbeatMs: options.heartbeatMs ?? 30_000,
      callOn,
      sessionEnded: () => {
        this.#end({ reason: 'sessionEnded', message: 'the session is over' });
      },
      abandon: this.#abandon.bind(this),
      reportError: this.#emitError.bind(this),
    };
    this.#frames = {
      codec: this.#codec,
      emitter: this.#emitter,
      greeted: this.#greeted.bind(this),
      settle: (frame) => this.#calls.settle(frame),
      reportError: this.#emitError.bind(this),
    };
    // Connect on the next microtask so that handlers registered right after construction see it all.
    queueMicrotask(() => void this.#open());
  }

  /** Where the connection is now. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The position up to which events were delivered; persist it and pass it back as `cursor` to resume. */
  get cursor(): Cursor {
    return this.#cursor.value;
  }

  /** Sends not yet acknowledged, oldest first, for an optimistic UI or to persist across a restart. */
  get outbox(): PendingSend[] {
    return this.#sender.pending;
  }

  /** The greeting of the current socket (user, session, server limits); null before the first. */
  get hello(): HelloFrame | null {
    return this.#hello;
  }

  /** Calls `handler` for every `name` event; returns the function that unsubscribes it. */
  on<K extends keyof RealtimeEvents>(name: K, handler: Handler<RealtimeEvents[K]>): () => void {
    return this.#emitter.on(name, handler);
  }

  /**
   * Calls an operation over the socket, with the same input and answer as its REST endpoint. Waits
   * for a connected socket; rejects with NatterApiError when refused, and with NatterNetworkError
   * when the socket drops before the answer (it may or may not have run) or the connection ends.
   */
  async call<N extends RealtimeOpName>(op: N, ...args: OpArgs<N>): Promise<OpResponse<N>> {
    const [input, options] = args as [ClientFrame['input'], CallOptions | undefined];
    if (this.#ended()) throw new NatterNetworkError(`${op}: the connection has ended`, null);
    const answer = this.#calls.add(op, input, options?.signal);
    this.#flushCalls();
    return (await answer) as OpResponse<N>;
  }

  /**
   * Sends a message exactly once in effect: it waits in the outbox until acknowledged and is sent
   * again with the same txnId after every reconnect. Pass a txnId saved from `outbox` to resume a
   * send after a restart. Resolves once with the SendResult; rejects when the server refuses it for
   * good (`failed` is emitted too) or the connection ends first.
   */
  async send(roomId: string, body: SendBody): Promise<SendResult> {
    if (this.#ended()) throw new NatterNetworkError('send: the connection has ended', null);
    return this.#sender.send(roomId, body);
  }

  /**
   * Replaces the people whose `presence` events this connection receives; their current state
   * arrives as presence events too. Sent now if connected, and again after every reconnect.
   */
  async watchPresence(userIds: readonly string[]): Promise<void> {
    this.#watched = [...userIds];
    const link = this.#link;
    if (link?.ready) await this.#watch(link);
  }

  async #watch(link: Link): Promise<void> {
    const answer = await this.#callOn(link, 'presence.watch', { body: { userIds: this.#watched } });
    for (const presence of readPresenceAnswer(answer)) this.#emitter.emit('presence', presence);
  }

  /**
   * Reconnects at once when the connection is waiting out a backoff, because the app knows the
   * network is back (the browser's `online` event, a tab shown again). Does nothing otherwise.
   */
  reconnectNow(): void {
    if (this.#state !== 'offline' || this.#reconnectTimer === undefined) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    void this.#open(this.#rejectedToken);
  }

  /** Closes the socket for good: calls and unacknowledged sends reject, and `ended` is emitted. */
  close(): void {
    this.#end({ reason: 'closed', message: 'closed by the app' });
  }

  /** A call that belongs to one socket (sync, auth, ping, a send): never queued for the next one. */
  #callOn(link: Link, op: string, input: ClientFrame['input']): Promise<unknown> {
    if (link !== this.#link || !link.ready) {
      return Promise.reject(new NatterNetworkError(`${op}: the connection dropped`, null));
    }
    const answer = this.#calls.add(op, input);
    this.#flushCalls();
    return answer;
  }

  #flushCalls(): void {
    const link = this.#link;
    if (!link?.ready) return;
    this.#calls.flush((frame) => {
      link.socket.send(this.#codec.encode(frame));
    });
  }

  async #open(rejectedToken?: string): Promise<void> {
    if (this.#ended()) return;
    this.#setState('connecting');
    let session: Session;
    try {
      session = await this.#tokens.fresh(rejectedToken);
    } catch (error) {
      if (this.#ended()) return;
      const ended = tokenFailure(error);
      if (ended) this.#end(ended);
      else {
        this.#emitError(error);
        this.#retryLater(rejectedToken); // the server's refusal still stands
      }
      return;
    }
    if (!this.#ended()) this.#connect(session);
  }

  #connect(session: Session): void {
    let socket: WebSocket;
    try {
      socket = openSocket(this.#WebSocket, this.#url, this.#codec, session.accessToken);
    } catch (error) {
      this.#end({ reason: 'refused', message: `cannot open ${this.#url}: ${String(error)}` });
      return;
    }
    const pipeline = this.#pipeline(() => link, session.user.id);
    const link = newLink(socket, session, pipeline);
    this.#link = link;
    socket.onmessage = (event: MessageEvent) => {
      dispatchFrame(this.#frames, link, event.data as WireData);
    };
    socket.onclose = (event: CloseEvent) => {
      this.#onClose(link, event.code, event.reason);
    };
    later(link, this.#options.helloTimeoutMs ?? 10_000, () => {
      if (!link.ready) this.#abandon(link, 'no hello from the server');
    });
  }

  #pipeline(link: () => Link, me: string): SyncPipeline {
    const { syncLimit, onCursor } = this.#options;
    return new SyncPipeline({
      cursor: this.#cursor,
      emitter: this.#emitter,
      me,
      sync: (cursor) => retryRateLimited(() => this.#callOn(link(), 'sync', { body: { cursor, limit: syncLimit } })),
      cursorMoved: () => onCursor?.(this.#cursor.value),
      syncing: () => {
        if (link() === this.#link) this.#setState('syncing');
      },
      live: () => {
        if (link() !== this.#link) return;
        this.#attempt = 0;
        this.#setState('live');
        this.#sender.flush(link());
      },
      failed: (error) => {
        this.#emitError(error);
        this.#abandon(link(), 'sync failed');
      },
    });
  }

  #greeted(link: Link, frame: HelloFrame): void {
    this.#hello = frame;
    if (link.ready) return; // greeted again after a re-auth: nothing to start
    link.ready = true;
    this.#emitter.emit('hello', frame);
    scheduleReauth(this.#keepalive, link);
    startHeartbeat(this.#keepalive, link);
    this.#flushCalls();
    if (this.#watched.length > 0) this.#watch(link).catch(this.#emitError.bind(this));
    link.pipeline.start();
  }

  #onClose(link: Link, code: number, reason: string): void {
    if (link.closed) return;
    const message = `closed with ${code}${reason ? ` (${reason})` : ''}`;
    this.#dropLink(link, message);
    if (this.#ended()) return;
    const outcome = closeOutcome(code);
    if (!outcome.retry) this.#end({ reason: outcome.reason, code, message });
    else this.#retryLater(outcome.refresh ? link.session.accessToken : undefined);
  }

  /** Gives up on a socket the client judged dead (no hello, no pong, failed sync) and reconnects. */
  #abandon(link: Link, reason: string): void {
    if (link.closed) return;
    this.#dropLink(link, reason);
    link.socket.close(4000, reason);
    this.#retryLater();
  }

  #dropLink(link: Link, reason: string): void {
    link.closed = true;
    clearTimers(link);
    link.pipeline.stop();
    if (this.#link === link) this.#link = null;
    this.#sender.release();
    this.#calls.dropInFlight(reason);
  }

  /** Waits with full-jitter backoff, then reconnects; `rejectedToken` is refreshed first. */
  #retryLater(rejectedToken?: string): void {
    this.#setState('offline');
    this.#rejectedToken = rejectedToken;
    const delay = backoffDelay(this.#attempt++, this.#options.backoff ?? defaultBackoff);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.#open(rejectedToken);
    }, delay);
  }

  #end(info: EndedInfo): void {
    if (this.#ended()) return;
    this.#state = 'ended';
    clearTimeout(this.#reconnectTimer);
    const link = this.#link;
    if (link) {
      this.#dropLink(link, info.message);
      link.socket.close(1000, info.reason);
    }
    this.#calls.rejectAll(info.message);
    this.#sender.failAll(info.message);
    this.#emitter.emit('state', 'ended');
    this.#emitter.emit('ended', info);
  }

  // A method, not a comparison, because TypeScript keeps a field's narrowing across an await.
  #ended(): boolean {
    return this.#state === 'ended';
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state || this.#ended()) return;
    this.#state = state;
    this.#emitter.emit('state', state);
  }

  #emitError(error: unknown): void {
    this.#emitter.emit('error', error instanceof Error ? error : new Error(String(error)));
  }
}
