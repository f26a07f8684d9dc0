import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NatterNetworkError } from '../../src/errors.ts';
import { backoffDelay } from '../../src/realtime/backoff.ts';
import { realtimeUrl } from '../../src/realtime/connection.ts';
import { until } from '../helpers/fake-realtime-server.ts';
import { cleanUp, connect, seqs } from '../helpers/realtime-setup.ts';

afterEach(cleanUp);

void describe('RealtimeConnection: sync and live events', () => {
  void it('derives the WebSocket URL from the base URL', () => {
    assert.equal(realtimeUrl('http://host:8080'), 'ws://host:8080/api/v1/ws');
    assert.equal(realtimeUrl('https://chat.example.com/natter/'), 'wss://chat.example.com/natter/api/v1/ws');
  });

  void it('syncs from the cursor, then delivers live events in order and reports the cursor', async () => {
    const { server, seen, live, connection } = await connect({
      prepare: (server) => {
        server.log.addRoom('r1');
        server.log.appendMessage('r1', 'one');
        server.log.appendMessage('r1', 'two');
      },
    });
    await live();
    assert.deepEqual(seen.states, ['connecting', 'syncing', 'live']);
    assert.deepEqual(seqs(seen.events), ['r1:1', 'r1:2']);
    assert.equal(seen.rooms.at(0)?.room?.lastSeq, 2);
    assert.deepEqual(server.framesOf('sync').at(0)?.input?.body, { cursor: { user: 0, rooms: {} } });

    server.publishMessage('r1', 'three');
    await until(() => seen.events.length === 3);
    assert.deepEqual(seqs(seen.events), ['r1:1', 'r1:2', 'r1:3']);
    assert.deepEqual(connection.cursor, { user: 0, rooms: { r1: 3 } });
    assert.deepEqual(seen.cursors.at(-1), { user: 0, rooms: { r1: 3 } });
  });

  void it('repeats the sync while user events are limited', async () => {
    const { seen, live, server } = await connect({
      server: { syncLimit: 2 },
      prepare: (server) => {
        for (const id of ['a', 'b', 'c', 'd', 'e']) server.log.appendUser('block.added', { userId: id });
      },
    });
    await live();
    assert.deepEqual(seqs(seen.events), ['user:1', 'user:2', 'user:3', 'user:4', 'user:5']);
    assert.equal(server.framesOf('sync').length, 3);
  });

  void it('ignores a pushed event it already has', async () => {
    const { server, seen, live } = await connect({ prepare: (server) => server.log.addRoom('r1') });
    await live();
    const event = server.publishMessage('r1', 'once');
    server.push(event);
    server.publishMessage('r1', 'after');
    await until(() => seen.events.length >= 2);
    await sleep(30);
    assert.deepEqual(seqs(seen.events), ['r1:1', 'r1:2']);
    assert.equal(server.framesOf('sync').length, 1); // a duplicate is not mistaken for a gap
  });

  void it('resyncs on a gap instead of delivering out of order', async () => {
    const { server, seen, live } = await connect({ prepare: (server) => server.log.addRoom('r1') });
    await live();
    server.log.appendMessage('r1', 'never pushed');
    server.publishMessage('r1', 'pushed');
    await until(() => seen.events.length === 2);
    assert.deepEqual(seqs(seen.events), ['r1:1', 'r1:2']);
    assert.equal(server.framesOf('sync').length, 2);
    assert.deepEqual(server.framesOf('sync').at(1)?.input?.body, { cursor: { user: 0, rooms: { r1: 0 } } });
    await live(2);
  });

  void it('gives the socket up, rather than sync in a loop, when a gap never fills', async () => {
    const { server, seen, live } = await connect({ prepare: (server) => server.log.addRoom('r1') });
    await live();
    const phantom = server.log.appendMessage('r1', 'not in the log');
    server.log.rooms.get('r1')?.events.pop();
    server.push({ ...phantom, seq: 50 });
    await live(2);
    assert.equal(server.connections.length, 2);
    assert.equal(server.framesOf('sync').length, 1 + 4 + 1);
    assert.match(seen.errors.at(0)?.message ?? '', /no progress/);
  });

  void it('surfaces a limited room as a gap and resumes after it', async () => {
    const { seen, live, connection } = await connect({
      server: { syncLimit: 3 },
      connection: { cursor: { user: 0, rooms: { r1: 2 } } },
      prepare: (server) => {
        server.log.addRoom('r1');
        for (let i = 1; i <= 10; i++) server.log.appendMessage('r1', `m${i}`);
      },
    });
    await live();
    assert.deepEqual(seen.gaps, [{ roomId: 'r1', afterSeq: 2, beforeSeq: 8 }]);
    assert.deepEqual(seqs(seen.events), ['r1:8', 'r1:9', 'r1:10']);
    assert.deepEqual(connection.cursor.rooms, { r1: 10 });
  });

  void it('ignores event types it does not know but moves past them', async () => {
    const { server, seen, live, connection } = await connect({ prepare: (server) => server.log.addRoom('r1') });
    await live();
    server.push({
      stream: 'room',
      roomId: 'r1',
      seq: 1,
      type: 'poll.created',
      actorId: null,
      at: '',
      data: {},
    } as never);
    server.log.appendMessage('r1', 'placeholder for seq 1');
    server.publishMessage('r1', 'two');
    await until(() => connection.cursor.rooms.r1 === 2);
    assert.deepEqual(seqs(seen.events), ['r1:2']);
  });

  void it('stops following a room the user left, and still ignores late copies of its events', async () => {
    const { server, seen, live, connection } = await connect({
      prepare: (server) => {
        server.log.addRoom('r1');
        server.log.appendMessage('r1', 'a');
      },
    });
    await live();
    const left = server.log.appendRoom('r1', 'member.left', { userId: 'u1', reason: 'left' });
    server.push(left);
    await until(() => !('r1' in connection.cursor.rooms));
    server.push(left);
    await sleep(30);
    assert.deepEqual(seqs(seen.events), ['r1:1', 'r1:2']);
    assert.equal(server.framesOf('sync').length, 1);
  });

  void it('syncs once more for a room joined while live, to get the room itself', async () => {
    const { server, seen, live } = await connect();
    await live();
    const room = server.log.addRoom('r9');
    server.log.appendRoom('r9', 'member.joined', {
      user: { id: 'u1', username: 'alice', displayName: 'Alice', bio: '' },
      role: 'member',
      invitedBy: 'u2',
    });
    server.push(server.log.appendUser('room.joined', { roomId: 'r9', role: 'member', seq: 1 }));
    await until(() => seen.rooms.some((r) => r.roomId === 'r9'));
    assert.deepEqual(seqs(seen.events), ['user:1', 'r9:1']);
    assert.equal(seen.rooms.find((r) => r.roomId === 'r9')?.room?.name, room.name);
  });
});

void describe('RealtimeConnection: reconnecting', () => {
  void it('waits a full-jitter backoff that doubles up to the cap', () => {
    const options = { baseMs: 500, maxMs: 30_000 };
    assert.equal(
      backoffDelay(0, options, () => 0.999),
      499,
    );
    assert.equal(
      backoffDelay(3, options, () => 0.5),
      2_000,
    );
    assert.equal(
      backoffDelay(20, options, () => 0.999),
      29_970,
    );
    assert.equal(
      backoffDelay(5, options, () => 0),
      0,
    );
  });

  void it('reconnects after a drop and resumes from the cursor without repeating events', async () => {
    const { server, seen, live } = await connect({
      connection: { backoff: { baseMs: 150, maxMs: 150 } },
      prepare: (server) => {
        server.log.addRoom('r1');
        server.log.appendMessage('r1', 'before');
      },
    });
    await live();
    const droppedAt = Date.now();
    server.dropAll();
    await until(() => seen.states.includes('offline'));
    server.log.appendMessage('r1', 'while away');
    await live(2);
    assert.ok(Date.now() - droppedAt < 1_000);
    assert.deepEqual(seen.states, ['connecting', 'syncing', 'live', 'offline', 'connecting', 'syncing', 'live']);
    assert.equal(server.connections.length, 2);
    assert.deepEqual(server.framesOf('sync').at(1)?.input?.body, { cursor: { user: 0, rooms: { r1: 1 } } });
    assert.deepEqual(seqs(seen.events), ['r1:1', 'r1:2']);
  });

  void it('reconnects at once when told the network is back, instead of waiting out its backoff', async () => {
    const { server, seen, connection, live } = await connect({
      connection: { backoff: { baseMs: 60_000, maxMs: 60_000 } },
    });
    await live();
    connection.reconnectNow(); // live: nothing to do
    assert.equal(server.connections.length, 1);
    server.dropAll();
    await until(() => seen.states.includes('offline'));
    connection.reconnectNow();
    await live(2);
    assert.equal(server.connections.length, 2);
  });

  void it('resumes after each resume close code', async () => {
    const { server, live } = await connect();
    await live();
    for (const [index, code] of [4008, 4020, 4021, 4022, 1011, 1012].entries()) {
      server.closeAll(code, 'resume');
      await live(index + 2);
    }
    assert.equal(server.connections.length, 7);
  });

  void it('ends without reconnecting on a code that retrying cannot fix', async () => {
    const { server, seen, live } = await connect();
    await live();
    server.closeAll(4006, 'too many connections');
    await until(() => seen.ended.length === 1);
    assert.equal(seen.ended.at(0)?.reason, 'refused');
    assert.equal(seen.ended.at(0)?.code, 4006);
    await sleep(100);
    assert.equal(server.connections.length, 1);
  });

  void it('rejects calls in flight when the socket drops, and queues calls made while offline', async () => {
    const { server, connection, live, seen } = await connect({ connection: { backoff: { baseMs: 100, maxMs: 100 } } });
    server.handlers.set('listContacts', (_frame, c) => (c === server.connections[0] ? 'silent' : undefined));
    await live();
    const inFlight = connection.call('listContacts');
    await until(() => server.framesOf('listContacts').length === 1);
    server.dropAll();
    await assert.rejects(inFlight, NatterNetworkError);
    await until(() => seen.states.includes('offline'));
    const queued = connection.call('listBlocks');
    server.handlers.set('listBlocks', () => ({ data: { blocked: [] } }));
    assert.deepEqual(await queued, { blocked: [] });
  });

  void it('rejects queued calls when closed, and refuses new ones', async () => {
    const { connection, seen, live } = await connect();
    await live();
    connection.close();
    assert.deepEqual(seen.ended, [{ reason: 'closed', message: 'closed by the app' }]);
    await assert.rejects(connection.call('listContacts'), NatterNetworkError);
    assert.equal(connection.state, 'ended');
  });
});
