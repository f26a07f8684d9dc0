// The commit path alone: S3's plain sends through the message service and group commit into a
// SQLite file seeded like S3's (19,500 users in rooms of 10, 5% in rooms of 100), committed in the
// process, so what SQLite costs per write is measured without sockets, fan-out or a writer thread.
//
//   node bench/tools/commit-path.ts [--connections=19500] [--messages=30000] [--inflight=64]
//                                   [--checkpoint=4000] [--sql=<statements>]
//
// It prints writes/s with `inflight` sends always waiting, the commit's wall time and CPU time per
// write (their difference is mostly the fsync), and the batches' sizes and times. Below the
// Committer's full batch (64), every batch also waits out its linger. The commits run on a
// connection of their own that checkpoints every `checkpoint` WAL pages, as the writer thread
// does. With --checkpoint=0 the WAL only grows, and the tool also prints the WAL bytes per write
// and the frames per write by the table or index whose page each one holds. --sql runs on the
// commits' connection before the measurement: a pragma or a schema change to try.
import { readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMemoryBus } from '../../packages/server/src/adapters/bus/memory-bus.ts';
import { openStorage } from '../../packages/server/src/adapters/open-storage.ts';
import { SqliteEventLog } from '../../packages/server/src/adapters/sqlite/sqlite-event-log.ts';
import { configureConnection } from '../../packages/server/src/adapters/sqlite/sqlite-support.ts';
import { createLogger } from '../../packages/server/src/logger.ts';
import { buildChatServices } from '../../packages/server/src/main.ts';
import { Committer } from '../../packages/server/src/modules/sync/committer.ts';
import type { EventLog, Write } from '../../packages/server/src/ports/index.ts';
import { LatencyRecorder } from '../lib/latency.ts';
import { seedNatter } from '../systems/natter.ts';
import { roomsOf } from '../systems/topology.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '19500' },
    messages: { type: 'string', default: '30000' },
    inflight: { type: 'string', default: '64' },
    checkpoint: { type: 'string', default: '4000' },
    sql: { type: 'string' },
  },
});
const connections = Number(values.connections);
const messages = Number(values.messages);
const inflight = Number(values.inflight);

const topology = roomsOf({ connections, size: 10, bigSize: 100, bigShare: 0.05, publishEvery: 1, fullEvery: 50 });
console.log(`seeding ${connections} users in ${topology.rooms.length} rooms...`);
const seeded = await seedNatter(topology);
const dbPath = join(seeded.dataDir, 'natter.db');
const storage = await openStorage(`sqlite:${dbPath}`);
const writer = new DatabaseSync(dbPath);
configureConnection(writer);
writer.exec(`PRAGMA wal_autocheckpoint = ${Number(values.checkpoint)}`);
if (values.sql !== undefined) writer.exec(values.sql);
const writerLog = new SqliteEventLog(writer);
const userIds = new Map<number, string>();
for (const spec of seeded.specs) {
  const user = await storage.users.findByUsername(`bench${spec.id}`);
  if (user === undefined) throw new Error('no bench user');
  userIds.set(spec.id, user.id);
}
const logger = createLogger({ level: 'warn', format: 'json' });
const bus = createMemoryBus(logger);

/** The event log, with the time its synchronous commits take. */
const timing = { wallMs: 0, cpuUs: 0, batches: 0, writes: 0 };
/** Each batch's wall time. */
const batchTimes = new LatencyRecorder();
const log: EventLog = Object.create(writerLog) as EventLog;
log.commit = (writes: readonly Write[]) => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = writerLog.commit(writes);
  const took = performance.now() - start;
  timing.wallMs += took;
  batchTimes.record(took * 1000);
  const used = process.cpuUsage(cpu);
  timing.cpuUs += used.user + used.system;
  timing.batches++;
  timing.writes += writes.length;
  return result;
};
const committer = new Committer({ log, bus, logger });
const chat = buildChatServices({
  storage,
  committer,
  bus,
  clock: { now: () => Date.now() },
  presence: { isOnline: () => false },
  limits: { messageMaxBytes: 4000, groupMemberCap: 1000, channelMemberCap: 100_000, syncLimit: 100 },
});

const body = 'x'.repeat(150);
async function sender(phaseName: string, from: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const spec = seeded.specs[(from + i * 7919) % seeded.specs.length];
    if (spec === undefined) continue;
    const userId = userIds.get(spec.id) ?? '';
    const caller = { userId, sessionId: '', role: 'user' as const };
    await chat.messages.send(caller, spec.room, { txnId: `${phaseName}-${from}-${i}`, body });
  }
}

async function phase(name: string, count: number): Promise<{ seconds: number }> {
  const start = performance.now();
  const per = Math.ceil(count / inflight);
  await Promise.all(Array.from({ length: inflight }, (_, k) => sender(name, k * 104_729, per)));
  return { seconds: (performance.now() - start) / 1000 };
}

await phase('warm', Math.min(5000, messages)); // warm-up: JIT, page cache
Object.assign(timing, { wallMs: 0, cpuUs: 0, batches: 0, writes: 0 });
batchTimes.reset();
console.log(`measuring ${messages} sends (pid ${process.pid})...`);
const walBefore = statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0;
const cpuBefore = process.cpuUsage();
const { seconds } = await phase('measure', messages);
const cpu = process.cpuUsage(cpuBefore);
const walAfter = statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0;

const w = timing.writes;
console.log(
  JSON.stringify(
    {
      writes: w,
      writesPerSec: Math.round(w / seconds),
      batchMean: +(w / timing.batches).toFixed(1),
      batchMs: batchTimes.summary(),
      commitWallUsPerWrite: Math.round((timing.wallMs * 1000) / w),
      commitCpuUsPerWrite: Math.round(timing.cpuUs / w),
      processCpuUsPerWrite: Math.round((cpu.user + cpu.system) / w),
    },
    null,
    2,
  ),
);
if (Number(values.checkpoint) === 0) {
  console.log(`WAL bytes per write: ${Math.round((walAfter - walBefore) / w)}; frames per write:`);
  console.table(framesByTree(walBefore, w));
}
await committer.drain();
writer.close();
await storage.close();
await rm(seeded.dataDir, { recursive: true, force: true });

/** WAL frames written after byte `from`, per write, by the b-tree their page belongs to. */
function framesByTree(from: number, writes: number): Record<string, string> {
  const wal = readFileSync(`${dbPath}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const frameSize = 24 + pageSize;
  const first = 32 + Math.ceil(Math.max(0, from - 32) / frameSize) * frameSize;
  const pages = new Map<number, number>();
  for (let at = first; at + frameSize <= wal.length; at += frameSize) {
    const page = wal.readUInt32BE(at);
    pages.set(page, (pages.get(page) ?? 0) + 1);
  }
  const owners = new Map<number, string>();
  for (const row of writer.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]) {
    owners.set(row.pageno, row.name);
  }
  const byTree = new Map<string, number>();
  for (const [page, frames] of pages) {
    const name = owners.get(page) ?? '(free or new)';
    byTree.set(name, (byTree.get(name) ?? 0) + frames);
  }
  const sorted = [...byTree].sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(sorted.map(([name, frames]) => [name, (frames / writes).toFixed(2)]));
}
