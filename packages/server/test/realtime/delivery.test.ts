import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { closeCodes, type SyncResponse } from '@natter/protocol';
import { WebSocket } from 'ws';
import { Gate, startGateway, type TestGateway } from './fakes.ts';
import { eventually, TestClient } from './test-client.ts';

describe('sync and live delivery', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await startGateway();
  });
  afterEach(async () => {
    await t.close();
  });

  /** Ada, a member of r1 where two messages were sent, connected and synced. */
  async function adaSynced(): Promise<TestClient> {
    t.log.join('ada', 'r1');
    t.log.message('r1', 'bob', 'one');
    const ada = await TestClient.connect(t.url, t.auth.issue('ada'));
    const reply = (await ada.sync()) as SyncResponse;
    assert.deepEqual(reply.cursor, { user: 1, rooms: { r1: 2 } });
    return ada;
  }

  it('pushes nothing before sync', async () => {
    t.log.join('ada', 'r1');
    const ada = await TestClient.connect(t.url, t.auth.issue('ada'));
    t.publish(t.log.message('r1', 'bob', 'too early'));
    t.publish(t.log.user('ada', 'block.added', { userId: 'eve' }));
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
  });

  it('after sync, pushes each event exactly once, in order, after the sync reply', async () => {
    const ada = await adaSynced();
    const events = [t.log.message('r1', 'bob', 'two'), t.log.message('r1', 'cy', 'three')];
    const own = t.log.user('ada', 'block.added', { userId: 'eve' });
    t.publish(events[0] ?? own, own);
    t.publish(events[1] ?? own);
    const received = await ada.events(3);
    assert.deepEqual(received, [t.log.wire(events[0] ?? own), t.log.wire(own), t.log.wire(events[1] ?? own)]);
    // Repeats, and events the sync reply already carried, are not pushed again.
    t.publish(...events, own);
    t.publish(t.log.rooms.get('r1')?.[0] ?? own);
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
    assert.deepEqual(t.log.roomFills, []);
  });

  it('does not push another room’s or another user’s events', async () => {
    const ada = await adaSynced();
    t.log.join('bob', 'r2');
    t.publish(t.log.message('r2', 'bob', 'elsewhere'), t.log.user('bob', 'block.added', { userId: 'x' }));
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
  });

  it('fills a gap from the log before pushing what follows, in order', async () => {
    const ada = await adaSynced();
    const lost = [t.log.message('r1', 'bob', 'lost 3'), t.log.message('r1', 'bob', 'lost 4')];
    const five = t.log.message('r1', 'bob', 'five');
    t.log.fillGate = new Gate();
    t.publish(five);
    // While the fill is in flight, later events wait their turn.
    const six = t.log.message('r1', 'bob', 'six');
    t.publish(six);
    await eventually(() => t.log.roomFills.length === 1);
    t.log.fillGate.open();
    const received = await ada.events(4);
    assert.deepEqual(
      received.map((e) => e.seq),
      [3, 4, 5, 6],
    );
    assert.deepEqual(
      received,
      [...lost, five, six].map((e) => t.log.wire(e)),
    );
    assert.deepEqual(t.log.roomFills, [['r1', 2, 4]]);
  });

  it('fills a gap in the user stream too', async () => {
    const ada = await adaSynced();
    const lost = t.log.user('ada', 'block.added', { userId: 'x' });
    const next = t.log.user('ada', 'block.added', { userId: 'y' });
    t.publish(next);
    assert.deepEqual(await ada.events(2), [t.log.wire(lost), t.log.wire(next)]);
    assert.deepEqual(t.log.userFills, [['ada', 1, 1]]);
  });

  it('delivers events published while the sync was reading, after its reply and without a fill', async () => {
    t.log.join('ada', 'r1');
    const ada = await TestClient.connect(t.url, t.auth.issue('ada'));
    t.log.syncGate = new Gate();
    const reply = ada.sync();
    await eventually(() => t.log.syncCalls === 1);
    const during = t.log.message('r1', 'bob', 'during the sync');
    const ownDuring = t.log.user('ada', 'block.added', { userId: 'z' });
    t.publish(during, ownDuring);
    t.log.syncGate.open();
    const response = (await reply) as SyncResponse;
    assert.deepEqual(response.cursor, { user: 1, rooms: { r1: 1 } });
    assert.deepEqual(await ada.events(2), [t.log.wire(during), t.log.wire(ownDuring)]);
    // The reply came before the events on the wire.
    const order = ada.received.map((f) => f.type);
    assert.ok(order.indexOf('result') < order.indexOf('event'));
    assert.deepEqual(t.log.roomFills, []);
    assert.deepEqual(t.log.userFills, []);
  });

  it('a room.joined starts following the room at its member.joined, in either publish order', async () => {
    const ada = await adaSynced();
    const first = t.log.join('ada', 'r2');
    t.publish(first.room, first.user);
    assert.deepEqual(await ada.events(2), [t.log.wire(first.user), t.log.wire(first.room)]);
    const second = t.log.join('ada', 'r3');
    t.publish(second.user, second.room);
    assert.deepEqual(await ada.events(2), [t.log.wire(second.user), t.log.wire(second.room)]);
    const inR2 = t.log.message('r2', 'bob', 'hello ada');
    t.publish(inR2);
    assert.deepEqual(await ada.events(1), [t.log.wire(inR2)]);
    assert.deepEqual(t.log.roomFills, []);
  });

  it('a room.joined whose member.joined was lost reads it from the log', async () => {
    const ada = await adaSynced();
    t.log.message('r9', 'bob', 'before ada');
    const joined = t.log.join('ada', 'r9');
    t.publish(joined.user);
    assert.deepEqual(await ada.events(2), [t.log.wire(joined.user), t.log.wire(joined.room)]);
    assert.deepEqual(t.log.roomFills, [['r9', 1, 2]]);
  });

  it('a room.left delivers through the leaving event and nothing after it', async () => {
    const ada = await adaSynced();
    const someoneElse = t.log.leave('cy', 'r1');
    const last = t.log.message('r1', 'bob', 'last one ada sees');
    const left = t.log.leave('ada', 'r1');
    t.publish(someoneElse.room, last, left.user, left.room);
    assert.deepEqual(await ada.events(4), [
      t.log.wire(someoneElse.room),
      t.log.wire(last),
      t.log.wire(left.user),
      t.log.wire(left.room),
    ]);
    t.publish(t.log.message('r1', 'bob', 'after ada left'));
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
  });

  it('a room.left whose room events were lost reads them, then stops', async () => {
    const ada = await adaSynced();
    const lost = t.log.message('r1', 'bob', 'lost');
    const left = t.log.leave('ada', 'r1', 'banned');
    const after = t.log.message('r1', 'bob', 'after');
    t.publish(left.user);
    assert.deepEqual(await ada.events(3), [t.log.wire(left.user), t.log.wire(lost), t.log.wire(left.room)]);
    t.publish(after);
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
    assert.deepEqual(t.log.roomFills, [['r1', 2, 4]]);
  });

  it('a kick ends the room stream at the room’s own member.left, even while room.left waits on a user gap', async () => {
    const ada = await adaSynced();
    const lostUserEvent = t.log.user('ada', 'block.added', { userId: 'x' });
    const kicked = t.log.leave('ada', 'r1', 'kicked');
    t.log.userFillGate = new Gate();
    t.publish(kicked.room, kicked.user);
    assert.deepEqual(await ada.events(1), [t.log.wire(kicked.room)]);
    t.publish(t.log.message('r1', 'bob', 'after the kick'));
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
    t.log.userFillGate.open();
    assert.deepEqual(await ada.events(2), [t.log.wire(lostUserEvent), t.log.wire(kicked.user)]);
    t.publish(t.log.message('r1', 'bob', 'still after the kick'));
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
  });

  it('a deleted room ends the stream at room.deleted', async () => {
    const ada = await adaSynced();
    const deleted = t.log.room('r1', 'room.deleted', {}, 'bob');
    t.publish(deleted, t.log.message('r1', 'bob', 'impossible, but must not arrive'));
    assert.deepEqual(await ada.events(1), [t.log.wire(deleted)]);
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
  });

  it('leaving and joining again resumes at the new membership', async () => {
    const ada = await adaSynced();
    const left = t.log.leave('ada', 'r1');
    t.publish(left.room, left.user);
    await ada.events(2);
    const missed = t.log.message('r1', 'bob', 'while ada was away');
    const back = t.log.join('ada', 'r1');
    t.publish(missed);
    t.publish(back.room, back.user);
    assert.deepEqual(await ada.events(2), [t.log.wire(back.user), t.log.wire(back.room)]);
    await ada.settle();
    assert.deepEqual(ada.unread('event'), []);
  });

  it('ends the sessions the bus names, and only those', async () => {
    const s1 = await TestClient.connect(t.url, t.auth.issue('ada', 's1'));
    const s2 = await TestClient.connect(t.url, t.auth.issue('ada', 's2'));
    const s3 = await TestClient.connect(t.url, t.auth.issue('ada', 's3'));
    const bob = await TestClient.connect(t.url, t.auth.issue('bob', 's1'));
    t.bus.publish({ kind: 'sessions.ended', userId: 'ada', sessionIds: ['s1'] });
    assert.deepEqual(await s1.closed, { code: closeCodes.sessionEnded, reason: 'session ended' });
    t.bus.publish({ kind: 'sessions.ended', userId: 'ada', sessionIds: 'all', except: 's3' });
    assert.equal((await s2.closed).code, closeCodes.sessionEnded);
    await s3.settle();
    await bob.settle();
    assert.equal(s3.ws.readyState, WebSocket.OPEN);
    assert.equal(bob.ws.readyState, WebSocket.OPEN);
  });

  it('a failing sync answers an error and leaves the socket usable', async () => {
    const ada = await TestClient.connect(t.url, t.auth.issue('ada'));
    const bad = await ada.request('sync', { body: { cursor: { user: -1, rooms: {} } } });
    assert.equal(bad.type === 'error' && bad.error.code, 'validation_failed');
    t.log.sync = () => Promise.reject(new Error('db down'));
    const failed = await ada.request('sync', { body: { cursor: { user: 0, rooms: {} } } });
    assert.equal(failed.type === 'error' && failed.error.code, 'internal_error');
    await ada.settle();
  });
});
