import { LatencyRecorder } from '../lib/latency.ts';

/** Counters of one load process over the current measurement window. */
export class LoadStats {
  /** Frames that carried a published message (live or replayed by a resume). */
  deliveries = 0;
  /** Messages sent by this process's publishers. */
  sent = 0;
  acked = 0;
  refused = 0;
  /** Open-loop sends that found no ready publisher (during a mass reconnect). */
  skipped = 0;
  /** Natter room seqs that jumped (a gap) or repeated, seen by any connection. */
  seqGaps = 0;
  seqRepeats = 0;
  /** Resumes whose replay did not continue exactly where the connection stopped. */
  resumeGaps = 0;
  resumeRepeats = 0;
  resumed = 0;
  /** Attempts to come back after a drop that failed and were tried again. */
  retries = 0;
  errors = new Map<string, number>();
  closes = new Map<string, number>();
  /** Publish → delivery, measured by the full clients. */
  readonly endToEnd = new LatencyRecorder();
  /** Publish → Natter's result frame (the commit is durable). */
  readonly ack = new LatencyRecorder();
  /** TCP connect → authenticated (Natter's hello, Socket.IO's connect packet, ws's 101). */
  readonly handshake = new LatencyRecorder();
  /** TCP connect → receiving live messages (after sync or join). */
  readonly ready = new LatencyRecorder();
  /** Coming back after a drop (first attempt) → resumed with everything missed in hand. */
  readonly catchUp = new LatencyRecorder();
  #cpu = process.cpuUsage();
  #since = performance.now();

  count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** Starts a new window: counters and latencies zero, CPU measured from now. */
  reset(): void {
    this.deliveries = this.sent = this.acked = this.refused = this.skipped = 0;
    this.seqGaps = this.seqRepeats = this.resumeGaps = this.resumeRepeats = this.resumed = this.retries = 0;
    this.errors.clear();
    this.closes.clear();
    for (const r of [this.endToEnd, this.ack, this.handshake, this.ready, this.catchUp]) r.reset();
    this.#cpu = process.cpuUsage();
    this.#since = performance.now();
  }

  /** The window so far, for IPC. */
  snapshot(): LoadSnapshot {
    const cpu = process.cpuUsage(this.#cpu);
    const wallMs = performance.now() - this.#since;
    return {
      deliveries: this.deliveries,
      sent: this.sent,
      acked: this.acked,
      refused: this.refused,
      skipped: this.skipped,
      seqGaps: this.seqGaps,
      seqRepeats: this.seqRepeats,
      resumeGaps: this.resumeGaps,
      resumeRepeats: this.resumeRepeats,
      resumed: this.resumed,
      retries: this.retries,
      errors: Object.fromEntries(this.errors),
      closes: Object.fromEntries(this.closes),
      endToEnd: this.endToEnd.encode(),
      ack: this.ack.encode(),
      handshake: this.handshake.encode(),
      ready: this.ready.encode(),
      catchUp: this.catchUp.encode(),
      cpuPercent: wallMs > 0 ? ((cpu.user + cpu.system) / 1000 / wallMs) * 100 : 0,
      wallMs,
    };
  }
}

/** LoadStats as sent to the orchestrator; latencies are encoded HDR histograms. */
export interface LoadSnapshot {
  deliveries: number;
  sent: number;
  acked: number;
  refused: number;
  skipped: number;
  seqGaps: number;
  seqRepeats: number;
  resumeGaps: number;
  resumeRepeats: number;
  resumed: number;
  retries: number;
  errors: Record<string, number>;
  closes: Record<string, number>;
  endToEnd: string;
  ack: string;
  handshake: string;
  ready: string;
  catchUp: string;
  /** CPU time over wall time of this process, percent of one core. */
  cpuPercent: number;
  wallMs: number;
}
