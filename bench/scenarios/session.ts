import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder, type LatencySummary } from '../lib/latency.ts';
import { CpuWindow, Generator, rssBytes, type ServerProcess } from '../lib/processes.ts';
import type { SequenceCounts } from '../lib/sequence.ts';
import type { LoadSnapshot } from '../load/load-stats.ts';
import type { ConnSpec, SystemName } from '../load/plan.ts';
import type { PublisherTally } from '../load/protocol.ts';
import { removeNatter, seedNatter, startNatter } from '../systems/natter.ts';
import { startPeer } from '../systems/peers.ts';
import { peerSpecs, type Topology } from '../systems/topology.ts';

/** Above this share of a core, the load processes (not the server) may be what limits a result. */
export const clientBoundPercent = 90;

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The load processes' counters of one window, added up. */
export interface WindowStats {
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
  endToEnd: LatencySummary;
  ack: LatencySummary;
  handshake: LatencySummary;
  ready: LatencySummary;
  catchUp: LatencySummary;
  /** Sum over load processes (they share one core), percent of that core. */
  loadCpuPercent: number;
  serverCpuPercent: number;
  serverRssBytes: number;
  clientBound: boolean;
  wallMs: number;
}

function merge(snapshots: readonly LoadSnapshot[], serverCpuPercent: number, serverRss: number): WindowStats {
  const sum = (pick: (s: LoadSnapshot) => number) => snapshots.reduce((n, s) => n + pick(s), 0);
  const latency = (pick: (s: LoadSnapshot) => string) => {
    const recorder = new LatencyRecorder();
    for (const s of snapshots) recorder.addEncoded(pick(s));
    return recorder.summary();
  };
  const tally = (pick: (s: LoadSnapshot) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const s of snapshots) for (const [k, v] of Object.entries(pick(s))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const loadCpuPercent = sum((s) => s.cpuPercent);
  return {
    deliveries: sum((s) => s.deliveries),
    sent: sum((s) => s.sent),
    acked: sum((s) => s.acked),
    refused: sum((s) => s.refused),
    skipped: sum((s) => s.skipped),
    seqGaps: sum((s) => s.seqGaps),
    seqRepeats: sum((s) => s.seqRepeats),
    resumeGaps: sum((s) => s.resumeGaps),
    resumeRepeats: sum((s) => s.resumeRepeats),
    resumed: sum((s) => s.resumed),
    retries: sum((s) => s.retries),
    errors: tally((s) => s.errors),
    closes: tally((s) => s.closes),
    endToEnd: latency((s) => s.endToEnd),
    ack: latency((s) => s.ack),
    handshake: latency((s) => s.handshake),
    ready: latency((s) => s.ready),
    catchUp: latency((s) => s.catchUp),
    loadCpuPercent: Math.round(loadCpuPercent),
    serverCpuPercent: Math.round(serverCpuPercent),
    serverRssBytes: serverRss,
    clientBound: loadCpuPercent > clientBoundPercent,
    wallMs: Math.round(Math.max(...snapshots.map((s) => s.wallMs))),
  };
}

/** Options of a session. */
export interface SessionOptions {
  /** Load processes to spread the connections over (each holds at most ~19,500 sockets). */
  loadProcesses: number;
  /** Extra node flags for the server, such as --cpu-prof. */
  serverNodeArgs?: readonly string[];
  /** Handshakes in flight per load process. */
  concurrency?: number;
}

/**
 * One system under test with one topology: its server process, the load processes, and the
 * connections. A scenario opens the connections, then runs measurement windows over them.
 */
export class Session {
  readonly system: SystemName;
  readonly topology: Topology;
  readonly server: ServerProcess;
  readonly specs: ConnSpec[];
  readonly #generators: Generator[];
  readonly #parts: ConnSpec[][];
  readonly #cleanup: () => Promise<void>;
  readonly #serverCpu: CpuWindow;
  /** Members per room, by the room key connections use. */
  readonly roomSizes = new Map<string, number>();
  #tallies = new Map<number, PublisherTally>();

  private constructor(
    system: SystemName,
    topology: Topology,
    server: ServerProcess,
    specs: ConnSpec[],
    loadProcesses: number,
    cleanup: () => Promise<void>,
  ) {
    this.system = system;
    this.topology = topology;
    this.server = server;
    this.specs = specs;
    this.#cleanup = cleanup;
    this.#serverCpu = new CpuWindow(server.pid);
    this.#generators = Array.from({ length: loadProcesses }, (_, i) => new Generator(i));
    const size = Math.ceil(specs.length / loadProcesses);
    this.#parts = this.#generators.map((_, i) => specs.slice(i * size, (i + 1) * size));
    for (const spec of specs) this.roomSizes.set(spec.room, (this.roomSizes.get(spec.room) ?? 0) + 1);
  }

  /** Starts the system's server (seeding Natter first) and the load processes. */
  static async start(system: SystemName, topology: Topology, options: SessionOptions): Promise<Session> {
    const port = await freePort();
    const nodeArgs = options.serverNodeArgs ?? [];
    let session: Session;
    if (system === 'natter') {
      const seeded = await seedNatter(topology);
      const server = await startNatter(seeded, port, nodeArgs);
      session = new Session(system, topology, server, seeded.specs, options.loadProcesses, async () => {
        await server.stop();
        await removeNatter(seeded);
      });
    } else {
      const server = await startPeer(system, port, nodeArgs);
      session = new Session(system, topology, server, peerSpecs(topology), options.loadProcesses, () => server.stop());
    }
    const runTag = `b${Date.now().toString(36)}`;
    await Promise.all(
      session.#generators.map((g) => g.request({ cmd: 'init', target: { system, host: '127.0.0.1', port }, runTag })),
    );
    return session;
  }

  serverRss(): number {
    return rssBytes(this.server.pid);
  }

  /** Opens every connection; resolves with how many are ready and how long it took. */
  async open(concurrency = 200, timeoutMs = 60_000): Promise<{ ready: number; ms: number }> {
    const started = performance.now();
    const answers = await Promise.all(
      this.#generators.map((g, i) =>
        g.request<{ ready: number }>({ cmd: 'open', specs: this.#parts[i] ?? [], concurrency, timeoutMs }),
      ),
    );
    return { ready: answers.reduce((n, a) => n + a.ready, 0), ms: Math.round(performance.now() - started) };
  }

  /** Starts a measurement window on every load process and on the server's CPU. */
  async reset(): Promise<void> {
    await Promise.all(this.#generators.map((g) => g.request({ cmd: 'reset' })));
    this.#serverCpu.start();
  }

  /** The window so far. */
  async snapshot(): Promise<WindowStats> {
    const serverCpu = this.#serverCpu.percent();
    const snapshots = await Promise.all(this.#generators.map((g) => g.request<LoadSnapshot>({ cmd: 'snapshot' })));
    return merge(snapshots, serverCpu, this.serverRss());
  }

  /** Publishes open-loop at `rate` messages/s in total for `durationMs`, shared over the load processes. */
  async publish(rate: number, durationMs: number, bytes: number): Promise<void> {
    const counts = this.#parts.map((part) => part.filter((s) => s.publisher).length);
    const total = counts.reduce((a, b) => a + b, 0);
    await Promise.all(
      this.#generators.map((g, i) =>
        (counts[i] ?? 0) === 0
          ? Promise.resolve()
          : g.request({ cmd: 'publish', rate: (rate * (counts[i] ?? 0)) / total, durationMs, bytes }),
      ),
    );
  }

  /**
   * Publishes for a while before anything is measured, so that the JIT has compiled the hot
   * paths of server and load processes alike; what it sends is counted in no window.
   */
  async warmUp(rate: number, durationMs: number, bytes: number): Promise<void> {
    await this.publish(rate, durationMs, bytes);
    await this.settle();
    await this.expectedDeliveries();
  }

  /**
   * Deliveries the messages published since the last call should produce: each accepted message
   * once per member of its room.
   */
  async expectedDeliveries(): Promise<number> {
    const all = (
      await Promise.all(this.#generators.map((g) => g.request<PublisherTally[]>({ cmd: 'tallies' })))
    ).flat();
    let expected = 0;
    for (const t of all) {
      const before = this.#tallies.get(t.publisher);
      const sent = t.last - (before?.last ?? 0) - (t.refused.length - (before?.refused.length ?? 0));
      expected += sent * (this.roomSizes.get(t.room) ?? 0);
      this.#tallies.set(t.publisher, t);
    }
    return expected;
  }

  /**
   * Sequence check of every receiver still counted, against every publisher's final tally. An
   * overloaded Natter may still hold sends it has not answered: they are waited for (up to
   * `waitMs`), since a send that is still queued is late, not lost.
   */
  async finalize(waitMs = 30_000): Promise<SequenceCounts & { receivers: number }> {
    const deadline = performance.now() + waitMs;
    while (performance.now() < deadline) {
      const open = await Promise.all(this.#generators.map((g) => g.request<number>({ cmd: 'unanswered' })));
      if (open.every((n) => n === 0)) break;
      await sleep(500);
    }
    await this.settle();
    const all = (
      await Promise.all(this.#generators.map((g) => g.request<PublisherTally[]>({ cmd: 'tallies' })))
    ).flat();
    const answers = await Promise.all(
      this.#generators.map((g) => g.request<SequenceCounts & { receivers: number }>({ cmd: 'finalize', tallies: all })),
    );
    return answers.reduce((a, b) => ({
      unique: a.unique + b.unique,
      duplicates: a.duplicates + b.duplicates,
      reordered: a.reordered + b.reordered,
      lost: a.lost + b.lost,
      receivers: a.receivers + b.receivers,
    }));
  }

  /** Sends `ids` to the load processes holding them, as one request each. */
  async #each(ids: readonly number[], send: (g: Generator, mine: number[]) => Promise<unknown>): Promise<unknown[]> {
    const mine = this.#parts.map((part) => {
      const set = new Set(part.map((s) => s.id));
      return ids.filter((id) => set.has(id));
    });
    return Promise.all(this.#generators.map((g, i) => send(g, mine[i] ?? [])));
  }

  async stall(ids: readonly number[]): Promise<void> {
    await this.#each(ids, (g, mine) => g.request({ cmd: 'stall', ids: mine }));
  }

  async exclude(ids: readonly number[]): Promise<void> {
    await this.#each(ids, (g, mine) => g.request({ cmd: 'exclude', ids: mine }));
  }

  /** Drops `ids` at once and reconnects each within `spreadMs`; resolves with how many came back. */
  async reconnect(ids: readonly number[], spreadMs: number, timeoutMs: number): Promise<number> {
    const answers = await this.#each(ids, (g, mine) => g.request({ cmd: 'reconnect', ids: mine, spreadMs, timeoutMs }));
    return (answers as number[]).reduce((a, b) => a + b, 0);
  }

  /** Waits until deliveries stop growing (or `maxMs`), so a window counts its stragglers. */
  async settle(maxMs = 3000): Promise<void> {
    const deadline = performance.now() + maxMs;
    let last = -1;
    for (;;) {
      await sleep(250);
      const snapshots = await Promise.all(this.#generators.map((g) => g.request<LoadSnapshot>({ cmd: 'snapshot' })));
      const now = snapshots.reduce((n, s) => n + s.deliveries, 0);
      if (now === last || performance.now() > deadline) return;
      last = now;
    }
  }

  /** Closes the connections, the load processes and the server. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.#generators.map((g) => g.request({ cmd: 'closeAll' })));
    await Promise.allSettled(this.#generators.map((g) => g.stop()));
    await this.#cleanup();
  }
}
