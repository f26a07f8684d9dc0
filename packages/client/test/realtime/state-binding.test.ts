import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ChatState } from '../../src/state/chat-state.ts';
import { bindChatState } from '../../src/state/bind-connection.ts';
import { person } from '../helpers/event-factory.ts';
import { until } from '../helpers/fake-realtime-server.ts';
import { cleanUp, connect } from '../helpers/realtime-setup.ts';

afterEach(cleanUp);

void describe('bindChatState', () => {
  void it('keeps a ChatState in step with a connection across a reconnect', async () => {
    const state = new ChatState('u1');
    const { server, connection, live } = await connect({
      prepare: (server) => {
        server.log.addRoom('r1');
        server.log.appendRoom('r1', 'room.created', {
          kind: 'group',
          name: 'Room r1',
          topic: '',
          visibility: 'private',
          hasPassword: false,
          members: [
            { user: person('u1'), role: 'owner' },
            { user: person('u2'), role: 'member' },
          ],
        });
        server.log.appendMessage('r1', 'before');
      },
    });
    const unbind = bindChatState(connection, state);
    await live();
    await connection.send('r1', { body: 'mine' });
    server.dropAll();
    server.log.appendMessage('r1', 'while away');
    await live(2);
    await until(() => state.messages('r1').length === 3);
    assert.deepEqual(
      state.messages('r1').map((m) => m.body),
      ['before', 'mine', 'while away'],
    );
    assert.equal(state.room('r1')?.room?.lastSeq, 4);
    assert.equal(state.room('r1')?.unreadCount, 2);
    unbind();
    server.publishMessage('r1', 'unheard');
    await until(() => connection.cursor.rooms.r1 === 5);
    assert.equal(state.messages('r1').length, 3);
  });
});
