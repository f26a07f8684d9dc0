import { SequenceChecker } from '../lib/sequence.ts';
import { messageBody, marker, nowMicros, readStamp, type Stamp } from '../lib/stamp.ts';
import { dialects, natterEventSeq, natterSyncFrame, type Dialect } from './dialects.ts';
import type { LoadStats } from './load-stats.ts';
import type { ConnSpec, Cursor, Target } from './plan.ts';
import { RawWebSocket } from './raw-websocket.ts';

/** Where a connection is in its life. */
export type Phase = 'connecting' | 'authenticating' | 'subscribing' | 'ready' | 'closed';

const syncFrameId = 0;
/** The id of history requests that fill a limited resume; publishers' seqs never get this high. */
const fillFrameId = 999_999_999;
const fillPage = 100;
const stamp: Stamp = { publisher: 0, seq: 0, intendedMicros: 0 };

/** A Natter event as the full client and a resume read it. */
interface WireEvent {
  stream: string;
  roomId?: string;
  seq: number;
  type: string;
  data: { message?: { body?: string } };
}

interface HistoryAnswer {
  messages: { seq: number; body: string }[];
  hasMoreAfter: boolean;
}

interface SyncAnswer {
  rooms: { roomId: string; events: WireEvent[]; limited: boolean }[];
  cursor: Cursor;
}

/**
 * One load connection: a sink that counts deliveries and checks each publisher's sequence, or a
 * full client that also parses every frame and records end-to-end latency. Either may publish.
 * It speaks the system's dialect on a RawWebSocket, and for Natter keeps its cursor so that a
 * dropped connection can resume and be checked for gaps and duplicates.
 */
export class BenchClient {
  readonly spec: ConnSpec;
  readonly checker = new SequenceChecker();
  phase: Phase = 'connecting';
  /** Excluded from loss accounting: it stopped reading on purpose, or dropped without resume. */
  excluded = false;
  /** Last seq published by this connection. */
  published = 0;
  readonly refusedSeqs = new Set<number>();
  readonly #target: Target;
  readonly #dialect: Dialect;
  readonly #stats: LoadStats;
  readonly #onPhase: (client: BenchClient) => void;
  #socket: RawWebSocket | undefined;
  #startedAt = 0;
  /** Set by drop(): the next ready is a resume. */
  #droppedAt: number | undefined;
  /** When the client began coming back after a drop: catch-up is measured from here. */
  #returningAt: number | undefined;
  /** While set, a failed attempt to come back is retried after a pause, as the SDK does. */
  #retrying = false;
  /** Natter: our position; the room's seq is advanced by every event of the room. */
  #cursor: Cursor | undefined;
  /** Sends awaiting their result, by frame id: the seq and intended send time. */
  readonly #pending = new Map<number, { seq: number; intended: number }>();
  #runTag: string;
  /** A limited resume being filled from history: the seqs still to fetch, exclusive bounds. */
  #fill: { after: number; before: number } | undefined;

  constructor(spec: ConnSpec, target: Target, stats: LoadStats, runTag: string, onPhase: (c: BenchClient) => void) {
    this.spec = spec;
    this.#target = target;
    this.#dialect = dialects[target.system];
    this.#stats = stats;
    this.#runTag = runTag;
    this.#onPhase = onPhase;
    this.#cursor = spec.cursor === undefined ? undefined : structuredClone(spec.cursor);
  }

  /** Opens the connection; `onPhase` reports ready or closed. */
  connect(): void {
    this.#startedAt = nowMicros();
    this.#setPhase('connecting');
    const socket = new RawWebSocket(
      {
        host: this.#target.host,
        port: this.#target.port,
        path: this.#dialect.path(this.spec),
        protocols: this.#dialect.protocols(this.spec),
        localAddress: this.spec.source,
      },
      {
        onOpen: () => {
          this.#onOpen();
        },
        onMessage: (_opcode, buffer, start, end) => {
          this.#onMessage(buffer, start, end);
        },
        onClose: (code) => {
          if (this.#socket !== socket) return;
          this.#stats.count(this.#stats.closes, String(code ?? 'none'));
          const wasReady = this.phase === 'ready';
          this.#setPhase('closed');
          if (this.#retrying && !wasReady) {
            this.#stats.retries++;
            setTimeout(
              () => {
                if (this.#retrying && this.phase === 'closed') this.connect();
              },
              250 + Math.random() * 750,
            );
          }
        },
      },
    );
    this.#socket = socket;
  }

  /** Publishes message `seq` of this connection, stamped with its intended send time. */
  publish(intendedMicros: number, bytes: number): void {
    const seq = ++this.published;
    const body = messageBody(marker(this.spec.id, seq, intendedMicros), bytes);
    if (this.#dialect.acks) this.#pending.set(seq, { seq, intended: intendedMicros });
    this.#socket?.send(this.#dialect.publish(this.spec, seq, `${this.#runTag}-${seq.toString(36)}`, body));
    this.#stats.sent++;
  }

  /** Sends not yet answered. */
  get unanswered(): number {
    return this.#pending.size;
  }

  /** Stops reading from the socket for good (a slow consumer). */
  stall(): void {
    this.excluded = true;
    this.#socket?.pause();
  }

  /** Drops the TCP connection as a failing network would. */
  drop(): void {
    this.#droppedAt = nowMicros();
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
    // Unanswered sends of the old connection may or may not have committed; a real client would
    // retry them with the same txnId. The harness does not, so it stops waiting for their acks.
    for (const { seq } of this.#pending.values()) this.refusedSeqs.add(seq);
    this.#pending.clear();
    this.#fill = undefined;
    this.#setPhase('closed');
  }

  /**
   * Comes back after a drop, retrying failed attempts until stopRetrying(). Catch-up runs from
   * this moment to the end of the resume: the time the client chose to wait is not the server's.
   */
  comeBack(): void {
    this.#returningAt = nowMicros();
    this.#retrying = true;
    this.connect();
  }

  /** Gives up coming back (the scenario's deadline passed). */
  stopRetrying(): void {
    this.#retrying = false;
  }

  /** Closes quietly at the end of a run. */
  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
  }

  #setPhase(phase: Phase): void {
    this.phase = phase;
    this.#onPhase(this);
  }

  #onOpen(): void {
    const now = nowMicros();
    switch (this.#target.system) {
      case 'natter':
        this.#setPhase('authenticating');
        return;
      case 'socketio':
        this.#setPhase('authenticating');
        return;
      case 'ws':
        this.#stats.handshake.record(now - this.#startedAt);
        this.#becomeReady(now);
        return;
    }
  }

  #becomeReady(now: number): void {
    this.#stats.ready.record(now - this.#startedAt);
    if (this.#droppedAt !== undefined) {
      this.#stats.catchUp.record(now - (this.#returningAt ?? this.#droppedAt));
      this.#droppedAt = undefined;
      this.#returningAt = undefined;
      this.#retrying = false;
    }
    this.#setPhase('ready');
  }

  #onMessage(buffer: Buffer, start: number, end: number): void {
    switch (this.#dialect.kind(buffer, start, end)) {
      case 'delivery':
        this.#onDelivery(buffer, start, end);
        return;
      case 'result':
        this.#onResult(buffer, start, end);
        return;
      case 'error':
        this.#onError(buffer.toString('utf8', start, end));
        return;
      case 'handshake':
        this.#onHandshake(buffer.toString('utf8', start, end));
        return;
      case 'ping':
        this.#socket?.send('3');
        return;
      case 'other':
        return;
    }
  }

  #onHandshake(text: string): void {
    const now = nowMicros();
    const socket = this.#socket;
    if (socket === undefined) return;
    if (this.#target.system === 'natter') {
      this.#stats.handshake.record(now - this.#startedAt);
      this.#setPhase('subscribing');
      socket.send(natterSyncFrame(syncFrameId, this.#cursor ?? { user: 0, rooms: {} }));
      return;
    }
    // Socket.IO: the open packet asks us to connect to the namespace; its answer means connected.
    if (text.startsWith('0{')) {
      socket.send('40');
      return;
    }
    this.#stats.handshake.record(now - this.#startedAt);
    this.#setPhase('subscribing');
    socket.send(`420${JSON.stringify(['join', this.spec.room])}`);
  }

  #onDelivery(buffer: Buffer, start: number, end: number): void {
    const now = nowMicros();
    if (this.#cursor !== undefined) {
      const seq = natterEventSeq(buffer, start, end);
      const room = this.#cursor.rooms[this.spec.room] ?? 0;
      if (seq === room + 1) this.#cursor.rooms[this.spec.room] = seq;
      else if (seq > room) {
        this.#stats.seqGaps++;
        this.#cursor.rooms[this.spec.room] = seq;
      } else if (seq >= 0) this.#stats.seqRepeats++;
    }
    if (this.spec.full) {
      // A full client decodes the frame as an application would, then reads the stamp.
      const text = buffer.toString('utf8', start, end);
      const body = this.#bodyOf(text);
      if (body === undefined) return;
      const bytes = Buffer.from(body);
      if (!readStamp(bytes, 0, bytes.length, stamp)) return;
      this.#stats.endToEnd.record(now - stamp.intendedMicros);
    } else if (!readStamp(buffer, start, end, stamp)) return;
    this.#stats.deliveries++;
    this.checker.record(stamp.publisher, stamp.seq);
  }

  #bodyOf(text: string): string | undefined {
    switch (this.#target.system) {
      case 'natter': {
        const frame = JSON.parse(text) as { event: WireEvent };
        return frame.event.data.message?.body;
      }
      case 'socketio': {
        const packet = JSON.parse(text.slice(2)) as [string, string, string];
        return packet[2];
      }
      case 'ws':
        return text;
    }
  }

  #onResult(buffer: Buffer, start: number, end: number): void {
    const now = nowMicros();
    if (this.#target.system === 'socketio') {
      // The ack of our join.
      this.#becomeReady(now);
      return;
    }
    const id = natterResultId(buffer, start, end);
    if (id === syncFrameId) {
      this.#onSynced(buffer.toString('utf8', start, end), now);
      return;
    }
    if (id === fillFrameId) {
      this.#onHistory(buffer.toString('utf8', start, end), now);
      return;
    }
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    this.#stats.acked++;
    this.#stats.ack.record(now - pending.intended);
  }

  #onError(text: string): void {
    const frame = JSON.parse(text) as { id: number | null; error: { code: string } };
    this.#stats.count(this.#stats.errors, frame.error.code);
    if (frame.id === null || frame.id === syncFrameId) return;
    const pending = this.#pending.get(frame.id);
    if (pending === undefined) return;
    this.#pending.delete(frame.id);
    this.refusedSeqs.add(pending.seq);
    this.#stats.refused++;
  }

  /**
   * The answer to `sync`. On a resume it carries what the connection missed: it must continue the
   * room's seqs exactly where the connection stopped, and every message in it counts as delivered.
   */
  #onSynced(text: string, now: number): void {
    const answer = (JSON.parse(text) as { data: SyncAnswer }).data;
    const resuming = this.#droppedAt !== undefined;
    const known = this.#cursor?.rooms[this.spec.room];
    let expected = (known ?? 0) + 1;
    for (const replay of answer.rooms) {
      if (replay.roomId !== this.spec.room || known === undefined) continue;
      const first = replay.events[0]?.seq;
      // More was missed than one reply carries: the reply holds the latest events, and the hole
      // before them is read from history, as the protocol tells clients to.
      if (replay.limited && first !== undefined && first > expected) {
        this.#fill = { after: expected - 1, before: first };
        expected = first;
      }
      for (const event of replay.events) {
        if (event.seq < expected) {
          if (resuming) this.#stats.resumeRepeats++;
          continue;
        }
        if (event.seq > expected && resuming) this.#stats.resumeGaps++;
        expected = event.seq + 1;
        this.#countReplayed(event.data.message?.body);
      }
    }
    this.#cursor = answer.cursor;
    if (this.#fill !== undefined) {
      this.#requestHistory();
      return;
    }
    if (resuming) this.#stats.resumed++;
    this.#becomeReady(now);
  }

  #countReplayed(body: string | undefined): void {
    if (body === undefined) return;
    const bytes = Buffer.from(body);
    if (!readStamp(bytes, 0, bytes.length, stamp)) return;
    this.#stats.deliveries++;
    this.checker.record(stamp.publisher, stamp.seq);
  }

  #requestHistory(): void {
    const fill = this.#fill;
    if (fill === undefined) return;
    const input = { params: { roomId: this.spec.room }, query: { after: fill.after, limit: fillPage } };
    this.#socket?.send(JSON.stringify({ id: fillFrameId, op: 'listMessages', input }));
  }

  /** A page of the hole before a limited resume's events: it must continue the seqs exactly. */
  #onHistory(text: string, now: number): void {
    const fill = this.#fill;
    if (fill === undefined) return;
    const page = (JSON.parse(text) as { data: HistoryAnswer }).data;
    for (const message of page.messages) {
      if (message.seq >= fill.before) break;
      if (message.seq <= fill.after) {
        this.#stats.resumeRepeats++;
        continue;
      }
      if (message.seq !== fill.after + 1) this.#stats.resumeGaps++;
      fill.after = message.seq;
      this.#countReplayed(message.body);
    }
    const last = page.messages.at(-1)?.seq ?? fill.before;
    if (fill.after + 1 < fill.before && page.hasMoreAfter && last < fill.before) {
      this.#requestHistory();
      return;
    }
    if (fill.after + 1 < fill.before) this.#stats.resumeGaps++;
    this.#fill = undefined;
    this.#stats.resumed++;
    this.#becomeReady(now);
  }
}

const idKey = Buffer.from('"id":');

/** The id of a Natter result frame (`{"type":"result","id":N,…`), read without parsing. */
export function natterResultId(buffer: Buffer, start: number, end: number): number {
  let at = buffer.indexOf(idKey, start);
  if (at < 0 || at >= end) return -1;
  at += idKey.length;
  let id = 0;
  for (; at < end; at++) {
    const byte = buffer[at] ?? 0;
    if (byte < 0x30 || byte > 0x39) break;
    id = id * 10 + byte - 0x30;
  }
  return id;
}
