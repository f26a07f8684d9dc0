// A load-generator process. The orchestrator forks several (each may hold at most ~19,500
// sockets), pinned to the core the server does not use, and drives them over IPC.
import { addCounts, type SequenceCounts } from '../lib/sequence.ts';
import { nowMicros } from '../lib/stamp.ts';
import { BenchClient } from './bench-client.ts';
import { LoadStats } from './load-stats.ts';
import type { ConnSpec, Target } from './plan.ts';
import type { GeneratorRequest, PublisherTally } from './protocol.ts';

const stats = new LoadStats();
const clients = new Map<number, BenchClient>();
let target: Target | undefined;
let runTag = 'run';
/** Called whenever a client changes phase: the open and reconnect waits listen here. */
let phaseListener: ((client: BenchClient) => void) | undefined;

function settled(client: BenchClient): boolean {
  return client.phase === 'ready' || client.phase === 'closed';
}

/** Connects `list`, at most `concurrency` handshakes at a time; resolves when all are ready or closed. */
function connectAll(list: BenchClient[], concurrency: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let done = 0;
    const timer = setTimeout(finish, timeoutMs);
    function finish() {
      clearTimeout(timer);
      phaseListener = undefined;
      resolve();
    }
    const waiting = new Set(list);
    phaseListener = (client) => {
      if (!waiting.has(client) || !settled(client)) return;
      waiting.delete(client);
      inFlight--;
      done++;
      if (done === list.length) finish();
      else pump();
    };
    function pump() {
      while (inFlight < concurrency && next < list.length) {
        const client = list[next++];
        if (client === undefined) break;
        inFlight++;
        client.connect();
      }
    }
    if (list.length === 0) finish();
    else pump();
  });
}

/**
 * Open loop: message k is due at start + k/rate, stamped with that time whether or not the loop
 * was late getting to it, so that a stalled system (or generator) shows as latency. Publishers
 * take turns; one that is not connected is passed over.
 */
function publish(rate: number, durationMs: number, bytes: number): Promise<number> {
  const publishers = [...clients.values()].filter((c) => c.spec.publisher && !c.excluded);
  const total = Math.floor((rate * durationMs) / 1000);
  if (publishers.length === 0 || total === 0) return Promise.resolve(0);
  const interval = 1e6 / rate;
  const start = nowMicros();
  let k = 0;
  let turn = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = nowMicros();
      while (k < total) {
        const due = start + k * interval;
        if (due > now) break;
        let sent = false;
        for (let tries = 0; tries < publishers.length && !sent; tries++) {
          const client = publishers[turn++ % publishers.length];
          if (client?.phase === 'ready') {
            client.publish(Math.round(due), bytes);
            sent = true;
          }
        }
        if (!sent) stats.skipped++;
        k++;
      }
      if (k >= total) {
        clearInterval(timer);
        resolve(k);
      }
    };
    const timer = setInterval(tick, 1);
  });
}

function tallies(): PublisherTally[] {
  return [...clients.values()]
    .filter((c) => c.spec.publisher)
    .map((c) => ({ publisher: c.spec.id, room: c.spec.room, last: c.published, refused: [...c.refusedSeqs] }));
}

function finalize(all: readonly PublisherTally[]): SequenceCounts & { receivers: number } {
  type Expected = Map<number, { last: number; refused: ReadonlySet<number> }>;
  const byRoom = new Map<string, Expected>();
  for (const t of all) {
    const room: Expected = byRoom.get(t.room) ?? (new Map() as Expected);
    byRoom.set(t.room, room);
    room.set(t.publisher, { last: t.last, refused: new Set(t.refused) });
  }
  let counts: SequenceCounts = { unique: 0, duplicates: 0, reordered: 0, lost: 0 };
  let receivers = 0;
  for (const client of clients.values()) {
    if (client.excluded) continue;
    receivers++;
    counts = addCounts(
      counts,
      client.checker.counts(
        byRoom.get(client.spec.room) ?? new Map<number, { last: number; refused: ReadonlySet<number> }>(),
      ),
    );
  }
  return { ...counts, receivers };
}

async function reconnect(ids: readonly number[], spreadMs: number, timeoutMs: number): Promise<number> {
  const list = ids.flatMap((id) => clients.get(id) ?? []);
  for (const client of list) client.drop();
  const waiting = new Set(list);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(finish, timeoutMs);
    function finish() {
      clearTimeout(timer);
      phaseListener = undefined;
      for (const client of waiting) client.stopRetrying();
      resolve();
    }
    phaseListener = (client) => {
      if (client.phase !== 'ready' || !waiting.delete(client)) return;
      if (waiting.size === 0) finish();
    };
    if (list.length === 0) finish();
    // Each comes back at its own moment within the spread, as clients behind a flapping network do.
    for (const client of list) {
      setTimeout(() => {
        client.comeBack();
      }, Math.random() * spreadMs);
    }
  });
  // One that never came back within the time has no resume to check: it is reported as not back,
  // and its missing messages are not counted as lost by the server.
  for (const client of waiting) client.excluded = true;
  return list.length - waiting.size;
}

const handlers: { [K in GeneratorRequest['cmd']]: (request: Extract<GeneratorRequest, { cmd: K }>) => unknown } = {
  init(request) {
    target = request.target;
    runTag = request.runTag;
    return true;
  },
  async open(request) {
    if (target === undefined) throw new Error('init first');
    const fresh = request.specs.map((spec: ConnSpec) => {
      const client = new BenchClient(spec, target as Target, stats, `${runTag}.${spec.id.toString(36)}`, (c) =>
        phaseListener?.(c),
      );
      clients.set(spec.id, client);
      return client;
    });
    await connectAll(fresh, request.concurrency, request.timeoutMs);
    return { ready: fresh.filter((c) => c.phase === 'ready').length, requested: fresh.length };
  },
  reset() {
    stats.reset();
    return true;
  },
  snapshot() {
    return stats.snapshot();
  },
  async publish(request) {
    return publish(request.rate, request.durationMs, request.bytes);
  },
  tallies() {
    return tallies();
  },
  finalize(request) {
    return finalize(request.tallies);
  },
  stall(request) {
    for (const id of request.ids) clients.get(id)?.stall();
    return true;
  },
  exclude(request) {
    for (const id of request.ids) {
      const client = clients.get(id);
      if (client) client.excluded = true;
    }
    return true;
  },
  async reconnect(request) {
    return reconnect(request.ids, request.spreadMs, request.timeoutMs);
  },
  unanswered() {
    let n = 0;
    for (const client of clients.values()) if (!client.excluded) n += client.unanswered;
    return n;
  },
  readyCount() {
    return [...clients.values()].filter((c) => c.phase === 'ready').length;
  },
  closeAll() {
    for (const client of clients.values()) client.close();
    clients.clear();
    return true;
  },
};

process.on('message', (message: GeneratorRequest & { requestId: number }) => {
  const handler = handlers[message.cmd] as (request: GeneratorRequest) => unknown;
  Promise.resolve()
    .then(() => handler(message))
    .then(
      (result) => process.send?.({ requestId: message.requestId, ok: true, result }),
      (error: unknown) => process.send?.({ requestId: message.requestId, ok: false, error: String(error) }),
    );
});
process.on('disconnect', () => process.exit(0));
