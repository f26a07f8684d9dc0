import { performance } from 'node:perf_hooks';
import type { AnyEvent } from '@natter/protocol';
import type { Histogram } from 'prom-client';
import type { StoredEvent } from '../ports/index.ts';
import { PreparedEvent, SharedFrame, type EncodeListener } from './shared-frame.ts';
import { SyncJournal, type SyncMark } from './sync-journal.ts';

/** What the fan-out needs from a connection. */
export interface FanoutTarget {
  readonly userId: string;
  /** Offers a logged event; the connection delivers it only if it follows the event's stream. */
  offerEvent(event: PreparedEvent): void;
  /** Queues a shared frame; ephemeral ones may be dropped under backpressure. */
  pushShared(frame: SharedFrame, ephemeral: boolean): void;
}

/** Tunables and collaborators of the fan-out engine. */
export interface FanoutOptions {
  toWire: (event: StoredEvent) => AnyEvent;
  onEncode: EncodeListener;
  /** Deliveries per event-loop turn; the rest continue on the next turn. */
  slice: number;
  /** Events kept for connections in the middle of a sync before they must resume instead. */
  journalMax: number;
  batchDuration: Histogram;
  /** A delivery threw: a bug, logged; the other recipients still get theirs. */
  onError: (error: unknown) => void;
}

interface Task<T> {
  /** Looked up when the task starts, so a room followed meanwhile is included. */
  resolve(): readonly T[];
  deliver(target: T): void;
  /** Deliveries per target: the events of a run handed to each socket together. */
  weight: number;
  targets: readonly T[] | null;
  index: number;
}

const none: readonly never[] = [];

/**
 * The per-instance fan-out: which local connections follow each room, belong to each user and
 * watch each user's presence, and one FIFO of deliveries. Each event becomes one PreparedEvent
 * (converted and serialised at most once per encoding) whose bytes go to every recipient. The FIFO
 * is worked through at most `slice` deliveries per event-loop turn, so a 10,000-member broadcast
 * cannot hold the loop for tens of milliseconds; because every task (an event, or a run of one
 * stream's events handed to each socket in order) reaches all its recipients before the next one
 * starts, no socket ever sees two events out of order.
 */
export class FanoutEngine<T extends FanoutTarget> {
  readonly #options: FanoutOptions;
  readonly #rooms: Index<T> = new Map();
  readonly #users: Index<T> = new Map();
  readonly #watchers: Index<T> = new Map();
  /**
   * Per connection: the rooms it follows and the users it watches, to unindex it in one go;
   * `watching` is null until it watches someone's presence.
   */
  readonly #links = new Map<T, { rooms: Set<string>; watching: Set<string> | null }>();
  readonly #journal: SyncJournal;
  #tasks: Task<T>[] = [];
  #head = 0;
  #running = false;
  #scheduled = false;

  constructor(options: FanoutOptions) {
    this.#options = options;
    this.#journal = new SyncJournal(options.journalMax);
  }

  /** Indexes an authenticated connection under its user (user events, typing exclusion). */
  add(target: T): void {
    addTo(this.#users, target.userId, target);
    this.#links.set(target, { rooms: new Set(), watching: null });
  }

  /** Removes a connection from every index; false when it was never added. */
  remove(target: T): boolean {
    const links = this.#links.get(target);
    if (links === undefined) return false;
    this.#links.delete(target);
    removeFrom(this.#users, target.userId, target);
    for (const roomId of links.rooms) removeFrom(this.#rooms, roomId, target);
    for (const userId of links.watching ?? []) removeFrom(this.#watchers, userId, target);
    return true;
  }

  /** The user's local connections. */
  connectionsOf(userId: string): readonly T[] {
    return snapshot(this.#users.get(userId));
  }

  /** How many local connections the user has. */
  countOf(userId: string): number {
    return sizeOf(this.#users.get(userId));
  }

  /** Routes the room's events to `target` from now on. */
  follow(target: T, roomId: string): void {
    const links = this.#links.get(target);
    if (links === undefined || links.rooms.has(roomId)) return;
    links.rooms.add(roomId);
    addTo(this.#rooms, roomId, target);
  }

  /** Stops routing the room's events to `target`. */
  unfollow(target: T, roomId: string): void {
    this.#links.get(target)?.rooms.delete(roomId);
    removeFrom(this.#rooms, roomId, target);
  }

  /** Replaces the set of users whose presence `target` receives. */
  watch(target: T, userIds: ReadonlySet<string>): void {
    const links = this.#links.get(target);
    if (links === undefined) return;
    const before = links.watching;
    for (const userId of before ?? []) if (!userIds.has(userId)) removeFrom(this.#watchers, userId, target);
    for (const userId of userIds) if (before?.has(userId) !== true) addTo(this.#watchers, userId, target);
    links.watching = userIds.size === 0 ? null : new Set(userIds);
  }

  /** Starts recording events for a connection whose sync is in flight. */
  beginSync(): SyncMark {
    return this.#journal.begin();
  }

  /** The events published during the sync, or null if too many came to keep. */
  endSync(mark: SyncMark): PreparedEvent[] | null {
    return this.#journal.end(mark);
  }

  /** Fans out committed events, in order, to the connections following their streams. */
  publishEvents(stored: readonly StoredEvent[]): void {
    const { toWire, onEncode } = this.#options;
    const prepared = stored.map((event) => PreparedEvent.fromStored(event, toWire, onEncode));
    let byRoom: Map<string, PreparedEvent[]> | undefined;
    for (const event of prepared) {
      if (event.stream !== 'room') continue;
      byRoom ??= new Map();
      const list = byRoom.get(event.streamId);
      if (list === undefined) byRoom.set(event.streamId, [event]);
      else list.push(event);
    }
    for (const event of prepared) {
      if (event.stream === 'user') event.siblings = byRoom;
    }
    this.#journal.append(prepared);
    // Consecutive events of one stream (a group commit of many sends to one room) go to each
    // socket together, so they leave in one write: under load, batches grow and each delivery
    // gets cheaper, where one task per event would write every socket once per event.
    for (let start = 0; start < prepared.length;) {
      const first = prepared[start];
      if (first === undefined) break;
      let end = start + 1;
      while (end < prepared.length && sameStream(prepared[end], first)) end++;
      const run = prepared.slice(start, end);
      start = end;
      const index = first.stream === 'room' ? this.#rooms : this.#users;
      this.#enqueue({
        resolve: () => snapshot(index.get(first.streamId)),
        deliver: (target) => {
          for (const event of run) target.offerEvent(event);
        },
        weight: run.length,
        targets: null,
        index: 0,
      });
    }
  }

  /** Tells a room's followers, except the typer's own connections, that someone is typing. */
  publishTyping(roomId: string, userId: string, typing: boolean): void {
    const frame = new SharedFrame('typing', () => ({ type: 'typing', roomId, userId, typing }), this.#options.onEncode);
    this.#enqueue({
      resolve: () => snapshot(this.#rooms.get(roomId)),
      deliver: (target) => {
        if (target.userId !== userId) target.pushShared(frame, true);
      },
      weight: 1,
      targets: null,
      index: 0,
    });
  }

  /** Tells the connections watching `userId` that they came online or went offline. */
  publishPresence(userId: string, online: boolean): void {
    const frame = new SharedFrame('presence', () => ({ type: 'presence', userId, online }), this.#options.onEncode);
    this.#enqueue({
      resolve: () => snapshot(this.#watchers.get(userId)),
      deliver: (target) => {
        target.pushShared(frame, true);
      },
      weight: 1,
      targets: null,
      index: 0,
    });
  }

  #enqueue(task: Task<T>): void {
    this.#tasks.push(task);
    // Run at once when idle (lowest latency); otherwise the running or scheduled turn gets to it
    // in order. Never run re-entrantly: a delivery that closes a socket may publish presence.
    if (!this.#running && !this.#scheduled) this.#run();
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    this.#running = true;
    const started = performance.now();
    let budget = this.#options.slice;
    try {
      while (this.#head < this.#tasks.length && budget > 0) {
        const task = this.#tasks[this.#head];
        if (task === undefined) break;
        const targets = (task.targets ??= task.resolve());
        const end = Math.min(targets.length, task.index + Math.max(1, Math.floor(budget / task.weight)));
        for (let i = task.index; i < end; i++) {
          const target = targets[i];
          if (target === undefined) continue;
          try {
            task.deliver(target);
          } catch (error) {
            this.#options.onError(error);
          }
        }
        // Every task costs at least one unit, so a flood of events for empty rooms still yields.
        budget -= Math.max(1, (end - task.index) * task.weight);
        task.index = end;
        if (end >= targets.length) this.#head += 1;
      }
    } finally {
      this.#running = false;
      if (this.#head >= this.#tasks.length) {
        this.#tasks = [];
        this.#head = 0;
      } else if (this.#head > 1024) {
        this.#tasks = this.#tasks.slice(this.#head);
        this.#head = 0;
      }
      this.#options.batchDuration.observe((performance.now() - started) / 1000);
      if (this.#tasks.length > this.#head) {
        this.#scheduled = true;
        setImmediate(this.#run);
      }
    }
  };
}

function sameStream(a: PreparedEvent | undefined, b: PreparedEvent): boolean {
  return a !== undefined && a.stream === b.stream && a.streamId === b.streamId;
}

/**
 * Connections by user or room. A key with one connection holds it directly, not in a Set: most
 * users have one connection, and a Set costs about 200 bytes of heap, for every connection.
 */
type Index<T> = Map<string, T | Set<T>>;

function snapshot<T>(entry: T | Set<T> | undefined): readonly T[] {
  if (entry === undefined) return none;
  if (entry instanceof Set) return entry.size === 0 ? none : [...entry];
  return [entry];
}

function sizeOf<T>(entry: T | Set<T> | undefined): number {
  if (entry === undefined) return 0;
  return entry instanceof Set ? entry.size : 1;
}

function addTo<T>(index: Index<T>, key: string, target: T): void {
  const entry = index.get(key);
  if (entry === undefined) index.set(key, target);
  else if (entry instanceof Set) entry.add(target);
  else if (entry !== target) index.set(key, new Set([entry, target]));
}

function removeFrom<T>(index: Index<T>, key: string, target: T): void {
  const entry = index.get(key);
  if (entry === undefined) return;
  if (!(entry instanceof Set)) {
    if (entry === target) index.delete(key);
    return;
  }
  entry.delete(target);
  if (entry.size === 0) index.delete(key);
  else if (entry.size === 1) index.set(key, entry.values().next().value as T);
}
