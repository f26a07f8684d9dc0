import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PresenceFrame, TypingFrame } from '@natter/protocol';
import { until } from '../helpers/fake-realtime-server.ts';
import { cleanUp, connect } from '../helpers/realtime-setup.ts';

afterEach(cleanUp);

void describe('RealtimeConnection: presence, typing and pacing', () => {
  void it('reports the watched people’s presence, and watches them again after a reconnect', async () => {
    const { server, connection, live } = await connect();
    const presence: PresenceFrame[] = [];
    connection.on('presence', (frame) => presence.push(frame));
    server.online.add('u2');
    await live();
    await connection.watchPresence(['u2', 'u3']);
    assert.deepEqual(
      presence.map((p) => [p.userId, p.online]),
      [
        ['u2', true],
        ['u3', false],
      ],
    );
    server.broadcast({ type: 'presence', userId: 'u3', online: true });
    await until(() => presence.length === 3);
    server.dropAll();
    await live(2);
    await until(() => server.framesOf('presence.watch').length === 2);
    assert.deepEqual(server.framesOf('presence.watch').at(1)?.input?.body, { userIds: ['u2', 'u3'] });
  });

  void it('passes typing frames on', async () => {
    const { server, connection, live } = await connect();
    const typing: TypingFrame[] = [];
    connection.on('typing', (frame) => typing.push(frame));
    await live();
    server.broadcast({ type: 'typing', roomId: 'r1', userId: 'u2', typing: true });
    server.broadcast({ type: 'whatever-comes-next', roomId: 'r1' }); // unknown frame types are ignored
    await until(() => typing.length === 1);
    assert.deepEqual(typing, [{ type: 'typing', roomId: 'r1', userId: 'u2', typing: true }]);
  });

  void it('waits and syncs again when the server says the sync came too fast', async () => {
    let refused = false;
    const { server, live } = await connect({
      prepare: (server) => {
        server.handlers.set('sync', () => {
          if (refused) return undefined;
          refused = true;
          return { error: { code: 'rate_limited', message: 'Slow down', details: { retryAfterSeconds: 0.05 } } };
        });
      },
    });
    await live();
    assert.equal(server.framesOf('sync').length, 2);
    assert.equal(server.connections.length, 1);
  });
});
