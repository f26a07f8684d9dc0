import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyEvent, RoomEvent, SyncRequest, SyncResponse, UserEvent } from '@natter/protocol';
import type { ErrorCode } from '@natter/protocol';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createMemoryBus } from '../../src/adapters/bus/memory-bus.ts';
import { AppError } from '../../src/modules/app-error.ts';
import type { Caller } from '../../src/modules/auth/auth-context.ts';
import type { BusMessage, EventBus, StoredEvent } from '../../src/ports/index.ts';
import { createRealtimeGateway, type GatewayOptions, type RealtimeGateway } from '../../src/realtime/gateway.ts';
import type {
  Authenticated,
  GatewayDeps,
  GatewayLimits,
  OperationDispatcher,
  SyncSource,
} from '../../src/realtime/gateway-deps.ts';

/** Silent unless NATTER_TEST_LOG_LEVEL is set. */
export const testLogger = pino({ level: process.env.NATTER_TEST_LOG_LEVEL ?? 'silent' });

/** Tokens the fake authenticate knows: `tok-<user>-<session>` works, the rest are set per test. */
export class FakeAuth {
  readonly tokens = new Map<string, Authenticated | ErrorCode | Error>();
  calls = 0;

  /** A token for `userId` on `sessionId`, good for `ttlMs`. */
  issue(userId: string, sessionId = `s-${userId}`, ttlMs = 60_000): string {
    const token = `tok-${userId}-${sessionId}-${this.tokens.size}`;
    const caller: Caller = { userId, sessionId, role: 'user' };
    this.tokens.set(token, { caller, expiresAt: Date.now() + ttlMs });
    return token;
  }

  /** A token that fails with `failure`. */
  failing(failure: ErrorCode | Error): string {
    const token = `bad-${this.tokens.size}`;
    this.tokens.set(token, failure);
    return token;
  }

  readonly authenticate = (token: string): Promise<Authenticated> => {
    this.calls += 1;
    const found = this.tokens.get(token);
    if (found === undefined) return Promise.reject(new AppError('unauthenticated', 'Unknown token.'));
    if (found instanceof Error) return Promise.reject(found);
    if (typeof found === 'string') return Promise.reject(new AppError(found, `Token fails with ${found}.`));
    return Promise.resolve(found);
  };
}

/** Echoes its input for `echo`, fails for `fail` (AppError) and `boom` (a bug). */
export const fakeDispatcher: OperationDispatcher = {
  has: (op) => ['echo', 'fail', 'boom'].includes(op),
  dispatch(op, input, caller) {
    if (op === 'echo') return Promise.resolve({ input, userId: caller.userId });
    if (op === 'fail') return Promise.reject(new AppError('forbidden', 'Not for you.'));
    if (op === 'boom') return Promise.reject(new Error('secret internals'));
    return Promise.reject(new AppError('not_found', 'No such operation.'));
  },
};

/** A hold-up a test releases by hand. */
export class Gate {
  #open: () => void = () => undefined;
  readonly promise: Promise<void> = new Promise((resolve) => {
    this.#open = resolve;
  });
  /** Lets the held call go on. */
  open(): void {
    this.#open();
  }
}

/** Converts a stored event to its wire form, counting the calls. */
export function makeToWire(): { toWire: (event: StoredEvent) => AnyEvent; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    toWire(event) {
      calls += 1;
      const base = { seq: event.seq, type: event.type, actorId: event.actorId, at: new Date(event.at).toISOString() };
      const wire =
        event.stream === 'room'
          ? { stream: 'room', roomId: event.streamId, ...base, data: event.data }
          : { stream: 'user', ...base, data: event.data };
      return wire as unknown as AnyEvent;
    },
  };
}

/** An in-memory event log with memberships, serving sync and gap fills like the real one. */
export class FakeLog implements SyncSource {
  readonly rooms = new Map<string, StoredEvent[]>();
  readonly users = new Map<string, StoredEvent[]>();
  readonly members = new Map<string, Set<string>>();
  readonly roomFills: [string, number, number][] = [];
  readonly userFills: [string, number, number][] = [];
  /** How many syncs have started reading. */
  syncCalls = 0;
  /** When set, sync waits for it after reading (so events can be published meanwhile). */
  syncGate: Gate | undefined;
  /** When set, room gap fills wait for it before reading. */
  fillGate: Gate | undefined;
  /** When set, user gap fills wait for it before reading. */
  userFillGate: Gate | undefined;
  readonly #toWire: (event: StoredEvent) => AnyEvent;
  #at = Date.UTC(2025, 0, 1);

  constructor(toWire: (event: StoredEvent) => AnyEvent) {
    this.#toWire = toWire;
  }

  /** Appends a room event (not published). */
  room(roomId: string, type: string, data: unknown, actorId: string | null = null): StoredEvent {
    return this.#append(this.rooms, 'room', roomId, type, data, actorId);
  }

  /** Appends a user event (not published). */
  user(userId: string, type: string, data: unknown): StoredEvent {
    return this.#append(this.users, 'user', userId, type, data, null);
  }

  /** A message in a room. */
  message(roomId: string, senderId: string, text: string): StoredEvent {
    return this.room(roomId, 'message.created', { message: { text } }, senderId);
  }

  /** Makes `userId` a member: the room's member.joined and the user's room.joined. */
  join(userId: string, roomId: string): { room: StoredEvent; user: StoredEvent } {
    let rooms = this.members.get(userId);
    if (rooms === undefined) this.members.set(userId, (rooms = new Set()));
    rooms.add(roomId);
    const room = this.room(roomId, 'member.joined', { user: { id: userId }, role: 'member', invitedBy: null }, userId);
    const user = this.user(userId, 'room.joined', { roomId, role: 'member', seq: room.seq });
    return { room, user };
  }

  /** Ends a membership: the room's member.left and the user's room.left. */
  leave(userId: string, roomId: string, reason = 'kicked'): { room: StoredEvent; user: StoredEvent } {
    this.members.get(userId)?.delete(roomId);
    const room = this.room(roomId, 'member.left', { userId, reason }, userId);
    const user = this.user(userId, 'room.left', { roomId, reason, seq: room.seq });
    return { room, user };
  }

  /** The wire form of a stored event, as the gateway should send it. */
  wire(event: StoredEvent): AnyEvent {
    return this.#toWire(event);
  }

  async sync(caller: Caller, request: SyncRequest): Promise<{ response: SyncResponse; memberRoomIds: string[] }> {
    this.syncCalls += 1;
    const userEvents = (this.users.get(caller.userId) ?? []).filter((e) => e.seq > request.cursor.user);
    const memberRoomIds = [...(this.members.get(caller.userId) ?? [])];
    const rooms = memberRoomIds.map((roomId) => ({
      roomId,
      events: (this.rooms.get(roomId) ?? [])
        .filter((e) => e.seq > (request.cursor.rooms[roomId] ?? 0))
        .map((e) => this.#toWire(e) as RoomEvent),
      limited: false,
      room: null,
    }));
    const cursor = {
      user: this.users.get(caller.userId)?.length ?? 0,
      rooms: Object.fromEntries(memberRoomIds.map((id) => [id, this.rooms.get(id)?.length ?? 0])),
    };
    const response: SyncResponse = {
      userEvents: userEvents.map((e) => this.#toWire(e) as UserEvent),
      userLimited: false,
      rooms,
      cursor,
    };
    await this.syncGate?.promise;
    return { response, memberRoomIds };
  }

  async roomEvents(roomId: string, afterSeq: number, throughSeq: number): Promise<RoomEvent[]> {
    this.roomFills.push([roomId, afterSeq, throughSeq]);
    await this.fillGate?.promise;
    return (this.rooms.get(roomId) ?? [])
      .filter((e) => e.seq > afterSeq && e.seq <= throughSeq)
      .map((e) => this.#toWire(e) as RoomEvent);
  }

  async userEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]> {
    this.userFills.push([userId, afterSeq, limit]);
    await this.userFillGate?.promise;
    const events = (this.users.get(userId) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
    return events.map((e) => this.#toWire(e) as UserEvent);
  }

  #append(
    index: Map<string, StoredEvent[]>,
    stream: 'room' | 'user',
    streamId: string,
    type: string,
    data: unknown,
    actorId: string | null,
  ): StoredEvent {
    let list = index.get(streamId);
    if (list === undefined) index.set(streamId, (list = []));
    const event: StoredEvent = { stream, streamId, seq: list.length + 1, type, actorId, data, at: (this.#at += 1000) };
    list.push(event);
    return event;
  }
}

/** Limits small enough for tests to reach. */
export const testLimits: GatewayLimits = {
  maxFrameBytes: 64 * 1024,
  framesPerSecond: 50,
  maxConnectionsPerUser: 5,
  heartbeatSeconds: 30,
  softBufferBytes: 256 * 1024,
  hardBufferBytes: 1024 * 1024,
  fanoutSlice: 1000,
  messageMaxBytes: 4000,
};

/** A gateway on a bare HTTP server on 127.0.0.1:0, with fakes a test can reach into. */
export interface TestGateway {
  url: string;
  server: Server;
  gateway: RealtimeGateway;
  auth: FakeAuth;
  log: FakeLog;
  bus: EventBus;
  /** Every bus message, in order. */
  busMessages: BusMessage[];
  toWireCalls: () => number;
  metrics: Registry;
  blocked: Set<string>;
  /** Publishes stored events on the bus as one message. */
  publish(...events: StoredEvent[]): void;
  /** The value of a counter or gauge (summed over labels matching `labels`). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** Starts a gateway with fakes; `limits` and `options` override the test defaults. */
export async function startGateway(
  limits: Partial<GatewayLimits> = {},
  options: GatewayOptions = {},
  extra: Partial<GatewayDeps> = {},
): Promise<TestGateway> {
  const server = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  const { toWire, calls } = makeToWire();
  const auth = new FakeAuth();
  const log = new FakeLog(toWire);
  const bus = createMemoryBus(testLogger);
  const busMessages: BusMessage[] = [];
  bus.subscribe((m) => busMessages.push(m));
  const metrics = new Registry();
  const blocked = new Set<string>();
  const deps: GatewayDeps = {
    logger: testLogger,
    authenticate: auth.authenticate,
    dispatcher: fakeDispatcher,
    sync: log,
    bus,
    toWire,
    // `${target}>${watcher}` in blocked: the target blocked the watcher.
    presencePolicy: (watcherId, targetId) => Promise.resolve(!blocked.has(`${targetId}>${watcherId}`)),
    allowedOrigins: ['https://chat.example.test'],
    limits: { ...testLimits, ...limits },
    metrics,
    ...extra,
  };
  const gateway = createRealtimeGateway(server, deps, { presenceOfflineDelayMs: 100, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/api/v1/ws`,
    server,
    gateway,
    auth,
    log,
    bus,
    busMessages,
    toWireCalls: calls,
    metrics,
    blocked,
    publish: (...events) => {
      bus.publish({ kind: 'events', events });
    },
    async metric(name, labels = {}) {
      // A histogram's count is a sample of the histogram metric itself.
      const base = name.endsWith('_count') ? name.slice(0, -'_count'.length) : name;
      const metric = metrics.getSingleMetric(base);
      if (metric === undefined) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      return values
        .filter((v) => base === name || (v as { metricName?: string }).metricName === name)
        .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
        .reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
