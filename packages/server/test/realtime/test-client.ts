import { subprotocols, type AnyEvent, type ServerFrame } from '@natter/protocol';
import { pack, unpack } from 'msgpackr';
import { WebSocket, type RawData } from 'ws';

/** How a test client connects. */
export interface ClientOptions {
  encoding?: 'json' | 'msgpack';
  /** Offered as natter.auth.<token>. */
  token?: string;
  /** Replaces the offered subprotocols entirely. */
  protocols?: string[];
  origin?: string;
  autoPong?: boolean;
}

/** The close a client saw. */
export interface Closed {
  code: number;
  reason: string;
}

/**
 * A raw protocol client: every frame the server sent, decoded and kept in order, and helpers to
 * wait for the next one that matches.
 */
export class TestClient {
  readonly ws: WebSocket;
  readonly encoding: 'json' | 'msgpack';
  /** Frames not yet taken by take(). */
  readonly inbox: ServerFrame[] = [];
  /** Every frame received, in order. */
  readonly received: ServerFrame[] = [];
  readonly closed: Promise<Closed>;
  #waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  #nextId = 1;

  private constructor(ws: WebSocket, encoding: 'json' | 'msgpack') {
    this.ws = ws;
    this.encoding = encoding;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('message', (data: RawData, isBinary) => {
      const bytes = data as Buffer;
      const frame = (isBinary ? unpack(bytes) : JSON.parse(bytes.toString('utf8'))) as ServerFrame;
      this.received.push(frame);
      const index = this.#waiters.findIndex((w) => w.match(frame));
      const waiter = this.#waiters[index];
      if (waiter === undefined) {
        this.inbox.push(frame);
        return;
      }
      this.#waiters.splice(index, 1);
      waiter.resolve(frame);
    });
  }

  /** Opens a socket and waits for the handshake to finish. */
  static async open(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const encoding = options.encoding ?? 'json';
    const protocols = options.protocols ?? [
      subprotocols[encoding],
      ...(options.token === undefined ? [] : [`natter.auth.${options.token}`]),
    ];
    const ws = new WebSocket(url, protocols, {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      autoPong: options.autoPong ?? true,
    });
    const client = new TestClient(ws, encoding);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  /** Opens, authenticates by subprotocol, and waits for hello. */
  static async connect(url: string, token: string, options: ClientOptions = {}): Promise<TestClient> {
    const client = await TestClient.open(url, { ...options, token });
    await client.take((f) => f.type === 'hello');
    return client;
  }

  /** Sends any value in the client's encoding. */
  send(value: unknown): void {
    this.ws.send(this.encoding === 'json' ? JSON.stringify(value) : pack(value));
  }

  /** Sends a frame and waits for its result or error. */
  async request(op: string, input?: unknown): Promise<ServerFrame> {
    const id = this.#nextId++;
    this.send(input === undefined ? { id, op } : { id, op, input });
    return this.take((f) => (f.type === 'result' || f.type === 'error') && f.id === id);
  }

  /** The result data of a request that must succeed. */
  async call(op: string, input?: unknown): Promise<unknown> {
    const frame = await this.request(op, input);
    if (frame.type !== 'result') throw new Error(`${op} failed: ${JSON.stringify(frame)}`);
    return frame.data;
  }

  /** Syncs from an empty cursor (or `cursor`), returning the reply. */
  async sync(cursor: { user: number; rooms: Record<string, number> } = { user: 0, rooms: {} }): Promise<unknown> {
    return this.call('sync', { body: { cursor } });
  }

  /** The first unread frame matching `match`, waiting up to `timeoutMs` for it. */
  take(match: (frame: ServerFrame) => boolean = () => true, timeoutMs = 3000): Promise<ServerFrame> {
    const index = this.inbox.findIndex(match);
    const found = this.inbox[index];
    if (found !== undefined) {
      this.inbox.splice(index, 1);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve };
      this.#waiters.push(waiter);
      setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at < 0) return;
        this.#waiters.splice(at, 1);
        reject(new Error(`no matching frame within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox)}`));
      }, timeoutMs).unref();
    });
  }

  /** The next `count` event frames' events, in arrival order. */
  async events(count: number, timeoutMs = 3000): Promise<AnyEvent[]> {
    const events: AnyEvent[] = [];
    for (let i = 0; i < count; i++) {
      const frame = await this.take((f) => f.type === 'event', timeoutMs);
      if (frame.type === 'event') events.push(frame.event);
    }
    return events;
  }

  /** Unread frames of one type. */
  unread(type: ServerFrame['type']): ServerFrame[] {
    return this.inbox.filter((f) => f.type === type);
  }

  /** A round trip: every frame the server queued before it has arrived when this resolves. */
  async settle(): Promise<void> {
    await this.call('ping');
  }

  /** Closes from our side and waits for the close to finish. */
  async close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}

/** Asserts `frame` is of `type` and returns it as that type. */
export function frameOf<K extends ServerFrame['type']>(frame: ServerFrame, type: K): Extract<ServerFrame, { type: K }> {
  if (frame.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
  return frame as Extract<ServerFrame, { type: K }>;
}

/** Waits until `check` holds, polling. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
