import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { closeCodes } from '@natter/protocol';
import type { StoredEvent } from '../../src/ports/index.ts';
import { startGateway, type TestGateway } from './fakes.ts';
import { eventually, sleep, TestClient } from './test-client.ts';

/** Members of `roomId`, each its own user: all joined first, then connected and synced. */
async function members(t: TestGateway, roomId: string, json: number, msgpack = 0): Promise<TestClient[]> {
  const users = [
    ...Array.from({ length: json }, (_, i) => ({ userId: `${roomId}-j${i}`, encoding: 'json' as const })),
    ...Array.from({ length: msgpack }, (_, i) => ({ userId: `${roomId}-m${i}`, encoding: 'msgpack' as const })),
  ];
  for (const { userId } of users) t.log.join(userId, roomId);
  const clients = await Promise.all(
    users.map(({ userId, encoding }) => TestClient.connect(t.url, t.auth.issue(userId), { encoding })),
  );
  await Promise.all(clients.map((c) => c.sync()));
  return clients;
}

describe('fan-out', () => {
  let t: TestGateway;
  afterEach(async () => {
    await t.close();
  });

  it('converts each event once and serialises it once per encoding, whatever the number of recipients', async () => {
    t = await startGateway();
    const clients = await members(t, 'big', 200, 3);
    const before = t.toWireCalls();
    const sent: StoredEvent[] = [];
    for (let i = 0; i < 3; i++) sent.push(t.log.message('big', 'bob', `m${i}`));
    t.publish(...sent);
    const expected = sent.map((e) => t.log.wire(e));
    for (const client of clients) assert.deepEqual(await client.events(3), expected);
    // The fake toWire counts its calls; the log's own wire() above added three more.
    assert.equal(t.toWireCalls() - before, 3 + 3);
    assert.equal(await t.metric('natter_ws_shared_encodings_total', { encoding: 'json' }), 3);
    assert.equal(await t.metric('natter_ws_shared_encodings_total', { encoding: 'msgpack' }), 3);
    assert.equal(await t.metric('natter_ws_frames_out_total', { type: 'event' }), 203 * 3);
  });

  it('coalesces the frames of one turn into one socket write', async () => {
    t = await startGateway();
    const writes: number[] = [];
    t.server.prependListener('upgrade', (_request, socket: Duplex) => {
      const index = writes.push(0) - 1;
      const write = socket._write.bind(socket);
      socket._write = (chunk, encoding, callback) => {
        writes[index] = (writes[index] ?? 0) + 1;
        write(chunk, encoding, callback);
      };
      const writev = socket._writev?.bind(socket);
      if (writev !== undefined) {
        socket._writev = (chunks, callback) => {
          writes[index] = (writes[index] ?? 0) + 1;
          writev(chunks, callback);
        };
      }
    });
    const [ada] = await members(t, 'r1', 1);
    if (ada === undefined) throw new Error('no client');
    await ada.settle();
    writes[0] = 0;
    const sent = [1, 2, 3, 4, 5].map((i) => t.log.message('r1', 'bob', `burst ${i}`));
    for (const event of sent) t.publish(event); // five bus messages, one turn
    t.bus.publish({ kind: 'typing', roomId: 'r1', userId: 'bob', typing: true });
    assert.deepEqual(
      await ada.events(5),
      sent.map((e) => t.log.wire(e)),
    );
    await ada.take((f) => f.type === 'typing');
    assert.equal(writes[0], 1);
  });

  it('slices a room bigger than fanoutSlice across turns, keeping every socket’s order', async () => {
    t = await startGateway({ fanoutSlice: 7 });
    const clients = await members(t, 'r1', 25);
    const sent: StoredEvent[] = [];
    for (let i = 0; i < 12; i++) sent.push(t.log.message('r1', 'bob', `n${i}`));
    for (const event of sent.slice(0, 6)) t.publish(event);
    t.publish(...sent.slice(6));
    // The first turn delivered at most one slice; the loop was free in between.
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok((await t.metric('natter_ws_frames_out_total', { type: 'event' })) < 25 * 12);
    const expected = sent.map((e) => t.log.wire(e));
    for (const client of clients) assert.deepEqual(await client.events(12), expected);
    const batches = await t.metric('natter_ws_fanout_batch_seconds_count');
    assert.ok(batches >= (25 * 12) / 7, `only ${batches} batches`);
  });

  it('sends typing to the room’s followers except the typer’s own connections', async () => {
    t = await startGateway();
    t.log.join('ada', 'r1');
    t.log.join('bob', 'r1');
    const ada1 = await TestClient.connect(t.url, t.auth.issue('ada'));
    const ada2 = await TestClient.connect(t.url, t.auth.issue('ada'));
    const bob = await TestClient.connect(t.url, t.auth.issue('bob'), { encoding: 'msgpack' });
    const outsider = await TestClient.connect(t.url, t.auth.issue('cy'));
    await Promise.all([ada1, ada2, bob, outsider].map((c) => c.sync()));
    t.bus.publish({ kind: 'typing', roomId: 'r1', userId: 'ada', typing: true });
    assert.deepEqual(await bob.take((f) => f.type === 'typing'), {
      type: 'typing',
      roomId: 'r1',
      userId: 'ada',
      typing: true,
    });
    await Promise.all([ada1, ada2, outsider].map((c) => c.settle()));
    for (const client of [ada1, ada2, outsider]) assert.deepEqual(client.unread('typing'), []);
  });

  it('drops ephemeral frames for a reader that stalls, then closes it slowConsumer; others get everything', async () => {
    t = await startGateway({ softBufferBytes: 64 * 1024, hardBufferBytes: 512 * 1024 });
    const [slow, healthy] = await members(t, 'r1', 2);
    if (slow === undefined || healthy === undefined) throw new Error('no clients');
    slow.ws.pause();
    const body = 'x'.repeat(32 * 1024);
    const sent: StoredEvent[] = [];
    let typings = 0;
    for (let i = 0; i < 1000 && (await t.metric('natter_ws_slow_consumer_closes_total')) === 0; i++) {
      sent.push(t.log.message('r1', 'bob', `${i} ${body}`));
      t.publish(sent.at(-1) ?? sent[0] ?? t.log.message('r1', 'bob', ''));
      t.bus.publish({ kind: 'typing', roomId: 'r1', userId: 'bob', typing: i % 2 === 0 });
      typings += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await t.metric('natter_ws_slow_consumer_closes_total'), 1);
    assert.ok((await t.metric('natter_ws_ephemeral_dropped_total')) > 0);
    // The healthy reader got every event and every typing frame, in order.
    const events = await healthy.events(sent.length);
    assert.deepEqual(
      events.map((e) => e.seq),
      sent.map((e) => e.seq),
    );
    await eventually(() => healthy.received.filter((f) => f.type === 'typing').length === typings);
    // The slow one, once it reads again, finds a gap-free prefix and then the close.
    slow.ws.resume();
    const closed = await slow.closed;
    assert.deepEqual(closed, { code: closeCodes.slowConsumer, reason: 'too slow: resume from your cursor' });
    const got = slow.received.flatMap((f) => (f.type === 'event' ? [f.event.seq] : []));
    assert.ok(got.length < sent.length);
    assert.deepEqual(
      got,
      sent.slice(0, got.length).map((e) => e.seq),
    );
    assert.ok(slow.received.filter((f) => f.type === 'typing').length < typings);
    await sleep(10);
  });
});
