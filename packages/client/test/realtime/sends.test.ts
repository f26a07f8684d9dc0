import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SendResult } from '@natter/protocol';
import { NatterApiError, NatterNetworkError } from '../../src/errors.ts';
import type { AckedInfo, FailedInfo } from '../../src/realtime/connection-types.ts';
import type { PendingSend } from '../../src/realtime/outbox.ts';
import { until } from '../helpers/fake-realtime-server.ts';
import { cleanUp, connect, type Setup } from '../helpers/realtime-setup.ts';

afterEach(cleanUp);

function recordSends(setup: Setup): { pending: PendingSend[]; acked: AckedInfo[]; failed: FailedInfo[] } {
  const record = { pending: [] as PendingSend[], acked: [] as AckedInfo[], failed: [] as FailedInfo[] };
  setup.connection.on('pending', (send) => record.pending.push(send));
  setup.connection.on('acked', (info) => record.acked.push(info));
  setup.connection.on('failed', (info) => record.failed.push(info));
  return record;
}

const txnIds = (setup: Setup) =>
  setup.server.framesOf('sendMessage').map((f) => (f.input?.body as { txnId: string }).txnId);

void describe('RealtimeConnection: sends', () => {
  void it('assigns a txnId, keeps the send in the outbox until acknowledged, and resolves with the result', async () => {
    const setup = await connect({ prepare: (server) => server.log.addRoom('r1') });
    const sends = recordSends(setup);
    await setup.live();
    const sent = setup.connection.send('r1', { body: 'hello' });
    assert.equal(setup.connection.outbox.length, 1);
    const txnId = setup.connection.outbox.at(0)?.txnId ?? '';
    assert.match(txnId, /^[0-9a-f-]{36}$/);
    const result = await sent;
    assert.equal(result.message.body, 'hello');
    assert.equal(result.duplicate, false);
    assert.deepEqual(setup.connection.outbox, []);
    assert.deepEqual(
      sends.pending.map((p) => p.txnId),
      [txnId],
    );
    assert.deepEqual(
      sends.acked.map((a) => a.send.txnId),
      [txnId],
    );
    // The message also arrives as an event, like everyone else's.
    await until(() => setup.seen.events.length === 1);
  });

  void it('re-sends an unacknowledged send with the same txnId after a reconnect and resolves it once', async () => {
    const setup = await connect({ prepare: (server) => server.log.addRoom('r1') });
    const { server, connection } = setup;
    const sends = recordSends(setup);
    // The first attempt commits, then the socket dies before the acknowledgement leaves.
    server.handlers.set('sendMessage', (frame, c) => {
      if (c !== server.connections[0]) return undefined;
      const body = frame.input?.body as { txnId: string; body: string };
      server.log.send('r1', body.txnId, body.body);
      setTimeout(() => {
        server.dropAll();
      }, 5);
      return 'silent';
    });
    await setup.live();
    let settled = 0;
    const sent = connection.send('r1', { body: 'exactly once' }).finally(() => settled++);
    const result: SendResult = await sent;
    assert.equal(result.duplicate, true);
    assert.equal(server.connections.length, 2);
    const ids = txnIds(setup);
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1]);
    assert.equal(server.log.committedSends, 1);
    await sleep(30);
    assert.equal(settled, 1);
    assert.equal(sends.acked.length, 1);
    assert.deepEqual(connection.outbox, []);
  });

  void it('keeps sends made while offline and sends them in their original order once live', async () => {
    const setup = await connect({
      connection: { backoff: { baseMs: 80, maxMs: 80 } },
      prepare: (server) => server.log.addRoom('r1'),
    });
    const { server, connection } = setup;
    await setup.live();
    server.dropAll();
    await until(() => setup.seen.states.includes('offline'));
    const results = Promise.all(['one', 'two', 'three'].map((body) => connection.send('r1', { body })));
    assert.deepEqual(
      connection.outbox.map((p) => p.request.body),
      ['one', 'two', 'three'],
    );
    const done = await results;
    assert.deepEqual(
      done.map((r) => r.message.body),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(
      done.map((r) => r.message.seq),
      [1, 2, 3],
    );
  });

  void it('joins a second send with the same txnId instead of sending it twice', async () => {
    const setup = await connect({ prepare: (server) => server.log.addRoom('r1') });
    await setup.live();
    const first = setup.connection.send('r1', { body: 'hi', txnId: 'txn-1' });
    const second = setup.connection.send('r1', { body: 'hi', txnId: 'txn-1' });
    assert.deepEqual(await first, await second);
    assert.deepEqual(txnIds(setup), ['txn-1']);
  });

  void it('fails a send the server refuses for good, once, and forgets it', async () => {
    const setup = await connect({ prepare: (server) => server.log.addRoom('r1') });
    const sends = recordSends(setup);
    setup.server.handlers.set('sendMessage', () => ({ error: { code: 'not_a_member', message: 'Not a member' } }));
    await setup.live();
    await assert.rejects(setup.connection.send('r1', { body: 'x' }), (error) => {
      assert.ok(error instanceof NatterApiError);
      assert.equal(error.code, 'not_a_member');
      assert.equal(error.status, 403);
      return true;
    });
    assert.equal(sends.failed.length, 1);
    assert.deepEqual(setup.connection.outbox, []);
  });

  void it('retries a send refused with rate_limited after the advertised wait, with the same txnId', async () => {
    const setup = await connect({ prepare: (server) => server.log.addRoom('r1') });
    let refusals = 0;
    setup.server.handlers.set('sendMessage', () =>
      refusals++ === 0
        ? { error: { code: 'rate_limited', message: 'Slow down', details: { retryAfterSeconds: 0.05 } } }
        : undefined,
    );
    await setup.live();
    const result = await setup.connection.send('r1', { body: 'patient' });
    assert.equal(result.message.body, 'patient');
    const ids = txnIds(setup);
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1]);
  });

  void it('fails waiting sends when the connection is closed', async () => {
    const setup = await connect({ prepare: (server) => server.log.addRoom('r1') });
    const sends = recordSends(setup);
    setup.server.handlers.set('sendMessage', () => 'silent');
    await setup.live();
    const sent = setup.connection.send('r1', { body: 'lost' });
    setup.connection.close();
    await assert.rejects(sent, NatterNetworkError);
    assert.equal(sends.failed.length, 1);
  });
});
