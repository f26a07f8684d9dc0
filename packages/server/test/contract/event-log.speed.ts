// How fast the event log commits sends: 20,000 message writes in batches of 100, one batch at a
// time as the group committer sends them, each write as the message service builds it (a txn id,
// room.live and can.post checked, the message and its event stored). Not a test; run by hand:
//
//   node packages/server/test/contract/event-log.speed.ts
//   NATTER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test node packages/server/test/contract/event-log.speed.ts
//
// SQLite runs on a file in the temp folder with WAL and synchronous=FULL, as in production.

import { performance } from 'node:perf_hooks';
import type { Write } from '../../src/ports/event-log.ts';
import { createUsers, messageWrite, seedRoom, storageEngines } from '../helpers/storage.ts';

const writes = 20_000;
const batchSize = 100;
const roomCount = 20;
const senderCount = 50;
const body = 'The quick brown fox jumps over the lazy dog, and then sends a message of typical length.';

for (const engine of storageEngines) {
  if (engine.skip !== false) {
    console.log(`${engine.name}: skipped (${engine.skip})`);
    continue;
  }
  const storage = await engine.open();
  try {
    const [owner = '', ...senders] = await createUsers(storage, senderCount + 1);
    const rooms: string[] = [];
    for (let i = 0; i < roomCount; i++) rooms.push((await seedRoom(storage, owner, senders)).id);

    const batches: Write[][] = [];
    for (let b = 0; b < writes / batchSize; b++) {
      batches.push(
        Array.from({ length: batchSize }, (_, i) => {
          const n = b * batchSize + i;
          const sender = senders[n % senders.length] ?? owner;
          return messageWrite(rooms[n % rooms.length] ?? '', sender, `${body} #${n}`, { txnId: `speed-${n}` });
        }),
      );
    }

    const started = performance.now();
    for (const batch of batches) {
      const results = await storage.log.commit(batch);
      if (results.some((result) => !result.ok || result.duplicate)) throw new Error('a write was refused');
    }
    const seconds = (performance.now() - started) / 1000;
    const stored = (await storage.log.roomEvents(rooms[0] ?? '', 0, writes)).length;
    console.log(
      `${engine.name}: ${writes} writes in batches of ${batchSize}: ${seconds.toFixed(2)} s, ` +
        `${Math.round(writes / seconds).toLocaleString('en')} writes/s (room 1 holds ${stored} events)`,
    );
  } finally {
    await storage.close();
  }
}
