import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeCodes } from '@natter/protocol';
import { msgpackCodec } from '../../src/realtime/msgpack-codec.ts';
import { until } from '../helpers/fake-realtime-server.ts';
import { cleanUp, connect, seqs } from '../helpers/realtime-setup.ts';

afterEach(cleanUp);

void describe('RealtimeConnection: authentication', () => {
  void it('offers the encoding and the access token as subprotocols', async () => {
    const { server, client, live } = await connect();
    await live();
    assert.equal(server.connections.at(0)?.encoding, 'json');
    assert.equal(server.connections.at(0)?.token, client.session?.accessToken);
  });

  void it('on tokenExpired refreshes the session, then reconnects with the new token', async () => {
    const { server, client, live, seen } = await connect({ prepare: (server) => server.log.addRoom('r1') });
    await live();
    const before = client.session?.accessToken;
    server.expireTokens();
    server.closeAll(closeCodes.tokenExpired, 'token expired');
    await live(2);
    assert.equal(server.refreshCount, 1);
    assert.notEqual(client.session?.accessToken, before);
    assert.equal(server.connections.at(1)?.token, client.session?.accessToken);
    assert.deepEqual(seen.ended, []);
  });

  void it('on sessionEnded stops for good and emits ended', async () => {
    const { server, live, seen, connection } = await connect();
    await live();
    server.sessionEnded = true;
    server.closeAll(closeCodes.sessionEnded, 'session ended');
    await until(() => seen.ended.length === 1);
    assert.equal(seen.ended.at(0)?.reason, 'sessionEnded');
    assert.equal(seen.ended.at(0)?.code, closeCodes.sessionEnded);
    assert.equal(connection.state, 'ended');
    await sleep(100);
    assert.equal(server.connections.length, 1);
    assert.equal(server.refreshCount, 0);
  });

  void it('on unauthenticated stops for good', async () => {
    const { server, live, seen } = await connect();
    await live();
    server.closeAll(closeCodes.unauthenticated, 'bad token');
    await until(() => seen.ended.length === 1);
    assert.equal(seen.ended.at(0)?.reason, 'unauthenticated');
    await sleep(100);
    assert.equal(server.connections.length, 1);
  });

  void it('ends when the refresh after tokenExpired says the session is over', async () => {
    const { server, live, seen } = await connect();
    await live();
    server.expireTokens();
    server.sessionEnded = true;
    server.closeAll(closeCodes.tokenExpired, 'token expired');
    await until(() => seen.ended.length === 1);
    assert.equal(seen.ended.at(0)?.reason, 'sessionEnded');
    assert.equal(server.connections.length, 1);
  });

  void it('re-authenticates the open socket before its token expires', async () => {
    const { server, client, live, seen } = await connect({ server: { accessTtlMs: 600 } });
    await live();
    await until(() => server.framesOf('auth').length === 1, 2_000, 're-auth');
    const auth = server.framesOf('auth').at(0)?.input?.body as { accessToken: string };
    assert.equal(auth.accessToken, client.session?.accessToken);
    assert.equal(server.refreshCount, 1);
    // Past the first token's expiry the same socket is still open: the server was never given cause to close it.
    await sleep(700);
    assert.equal(server.connections.length, 1);
    assert.equal(server.open.length, 1);
    assert.ok(server.framesOf('auth').length >= 2);
    assert.deepEqual(seen.states, ['connecting', 'syncing', 'live']);
  });

  void it('speaks MessagePack end to end', async () => {
    const { server, connection, live, seen } = await connect({
      connection: { encoding: msgpackCodec },
      prepare: (server) => {
        server.log.addRoom('r1');
        server.log.appendMessage('r1', 'packed');
      },
    });
    await live();
    assert.equal(server.connections.at(0)?.encoding, 'msgpack');
    assert.equal(seen.events.at(0)?.type, 'message.created');
    const result = await connection.send('r1', { body: 'über 🎉', replyTo: undefined });
    assert.equal(result.message.body, 'über 🎉');
    await until(() => seen.events.length === 2);
    assert.deepEqual(seqs(seen.events), ['r1:1', 'r1:2']);
    // An undefined field is left out, as JSON would: the server's closed schemas refuse unknown values.
    assert.equal('replyTo' in (server.framesOf('sendMessage').at(0)?.input?.body as object), false);
  });
});
