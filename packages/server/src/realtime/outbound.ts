import type { Duplex } from 'node:stream';

/** What became of a frame handed to a socket's outbound queue. */
export type PushResult = 'queued' | 'dropped' | 'overflow';

/** A flush round shorter than this never delays the next one. */
const restThresholdMs = 0.5;
/** The longest a flush waits for the last round's rest. */
const maxRestMs = 20;

/**
 * Flushes every socket that queued frames during this event-loop turn, once, at the end of it.
 * One write per socket per turn is what lifts delivery from ~130k to ~1M frames/s per core.
 *
 * Under load the flushes also pace themselves: after a round that took `d` ms of writes (above
 * half a millisecond), the next round waits until `d` ms after it ended, so socket writes take at
 * most about half the core, and what arrives meanwhile leaves in the same writes. A big room's
 * socket then gets several events per syscall instead of one, at the cost of at most one round's
 * extra wait (capped at 20 ms). An idle or lightly loaded server flushes at once, as before.
 */
export class FlushScheduler {
  #dirty: Outbound[] = [];
  #scheduled = false;
  #restUntil = 0;

  /** Marks `outbound` for the next flush. */
  schedule(outbound: Outbound): void {
    this.#dirty.push(outbound);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const rest = this.#restUntil - performance.now();
    // Timers count whole milliseconds from the loop's cached clock: round up, not down.
    if (rest > 0) setTimeout(this.#run, Math.min(Math.ceil(rest), maxRestMs));
    else setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    const dirty = this.#dirty;
    this.#dirty = [];
    const started = performance.now();
    for (const outbound of dirty) outbound.flush();
    const ended = performance.now();
    const took = ended - started;
    this.#restUntil = took > restThresholdMs ? ended + took : 0;
  };
}

/**
 * One socket's outbound queue, bounded. The bytes counted are ours plus those the socket still
 * holds (`writableLength`), because a reader that stalls fills the socket first, then us.
 */
export class Outbound {
  readonly #socket: Duplex;
  readonly #scheduler: FlushScheduler;
  readonly #softBytes: number;
  readonly #hardBytes: number;
  readonly #webSocket: { readonly readyState: number; readonly OPEN: number };
  /**
   * The queue: its first frame, and an array for the others only when there are others. Most
   * flushes carry one frame, and a fresh array per flush was the largest item the young
   * generation had to keep alive (a heap sampling profile of S3 that left out what scavenges freed).
   */
  #first: Buffer | undefined;
  #rest: Buffer[] | undefined;
  #queuedBytes = 0;
  #open = true;
  /** The socket is corked for us until the first flush (see the constructor). */
  #corked: boolean;

  /**
   * `webSocket` says whether it may still carry data frames: once a close frame went out
   * (ws answers a client's close by itself), nothing may follow it on the wire. With
   * `uncorkAtFirstFlush`, the caller corked the socket before the upgrade's answer was written:
   * the first flush round, due at the end of this turn (or after a paced rest), uncorks it, so the
   * answer and the first frames (hello, the sync) leave in one write instead of two, whether or
   * not any frame came by then. That second write was an eighth of a connection's cost in S1.
   */
  constructor(
    socket: Duplex,
    scheduler: FlushScheduler,
    limits: { softBytes: number; hardBytes: number },
    webSocket: { readonly readyState: number; readonly OPEN: number },
    uncorkAtFirstFlush = false,
  ) {
    this.#socket = socket;
    this.#webSocket = webSocket;
    this.#scheduler = scheduler;
    this.#softBytes = limits.softBytes;
    this.#hardBytes = limits.hardBytes;
    this.#corked = uncorkAtFirstFlush;
    if (uncorkAtFirstFlush) scheduler.schedule(this);
  }

  /** Bytes written but not yet taken by the kernel, ours and the socket's. */
  pendingBytes(): number {
    return this.#queuedBytes + this.#socket.writableLength;
  }

  /**
   * Queues framed bytes for the next flush. Ephemeral frames (typing, presence) are dropped when
   * the socket itself holds more than the soft cap, the sign of a reader that is behind (what waits
   * here for a paced flush is not the reader's doing); anything that would pass the hard cap, ours
   * and the socket's bytes together, is refused with 'overflow' and the caller closes the
   * connection. Before that verdict, what waits here goes to the socket: a reader that takes it is
   * not behind, however much a paced flush let pile up. And once more than the soft cap waits here,
   * it goes to the socket at once: pacing gathers small frames, and a soft cap's worth is one
   * efficient write already, while a reader that stalls must show it in the socket, where the caps
   * look. A frame bigger than the hard cap still goes out on an idle socket, so one large sync
   * result does not condemn a healthy client.
   */
  push(bytes: Buffer, ephemeral: boolean): PushResult {
    if (!this.#open) return 'dropped';
    if (ephemeral && this.#socket.writableLength > this.#softBytes) return 'dropped';
    if (this.#wouldOverflow(bytes) && !ephemeral) this.flush();
    // A typing or presence frame never condemns a connection: where it would pass the hard cap
    // (behind a large sync result waiting for its flush, say), it is dropped instead.
    if (this.#wouldOverflow(bytes)) return ephemeral ? 'dropped' : 'overflow';
    const first = this.#first === undefined;
    if (first) this.#first = bytes;
    else (this.#rest ??= []).push(bytes);
    this.#queuedBytes += bytes.length;
    if (this.#queuedBytes > this.#softBytes) this.flush();
    else if (first && !this.#corked) this.#scheduler.schedule(this);
    return 'queued';
  }

  #wouldOverflow(bytes: Buffer): boolean {
    const pending = this.pendingBytes();
    return pending > 0 && pending + bytes.length > this.#hardBytes;
  }

  /** Writes everything queued in one go: one write, or one writev under cork. */
  flush(): void {
    const first = this.#first;
    const rest = this.#rest;
    const corked = this.#corked;
    this.#first = undefined;
    this.#rest = undefined;
    this.#queuedBytes = 0;
    this.#corked = false;
    const socket = this.#socket;
    const writable =
      this.#open && this.#webSocket.readyState === this.#webSocket.OPEN && !socket.destroyed && socket.writable;
    if (first !== undefined && writable) {
      // Corked, the writes leave as one writev when uncorked: one syscall for the whole turn.
      const cork = rest !== undefined && !corked;
      if (cork) socket.cork();
      socket.write(first);
      if (rest !== undefined) for (const bytes of rest) socket.write(bytes);
      if (cork) socket.uncork();
    }
    if (corked) socket.uncork();
  }

  /** Stops all further writes; with `flushFirst`, what is queued goes out before that. */
  end(flushFirst: boolean): void {
    if (!this.#open) return;
    if (!flushFirst) {
      this.#first = undefined;
      this.#rest = undefined;
      this.#queuedBytes = 0;
    }
    // What is queued, if anything, and the upgrade's cork, which must never outlive us.
    this.flush();
    this.#open = false;
  }
}
