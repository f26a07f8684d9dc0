import assert from 'node:assert/strict';
import { it } from 'node:test';
import { people, roomWith, say } from '../helpers/chat.ts';
import { errorCode } from '../helpers/people.ts';
import { onEveryEngine } from '../helpers/suite.ts';

onEveryEngine('rooms', { NATTER_GROUP_MEMBER_CAP: '4' }, (server) => {
  it('opens one direct room per pair, from either side', async () => {
    const [ada, bob] = await people(server().url, 2);
    const a = await ada.client.request('openDirect', { body: { userId: bob.userId } });
    const b = await bob.client.request('openDirect', { body: { userId: ada.userId } });
    assert.equal(a.room.id, b.room.id);
    assert.equal(a.room.kind, 'direct');
    assert.equal(a.peer?.id, bob.userId);
    assert.equal(b.peer?.id, ada.userId);
    assert.equal(a.room.memberCount, 2);
    assert.equal(
      await errorCode(() => ada.client.request('openDirect', { body: { userId: ada.userId } })),
      'invalid_target',
    );
    assert.equal(
      await errorCode(() => ada.client.request('leaveRoom', { params: { roomId: a.room.id } })),
      'forbidden',
    );
  });

  it('creates groups and channels, lists them, and keeps channels to their posters', async () => {
    const [owner, reader] = await people(server().url, 2);
    const channel = await roomWith(owner, [reader], {
      kind: 'channel',
      name: 'News',
      visibility: 'public',
      topic: 'All the news',
    });
    assert.equal(channel.membership.role, 'owner');
    assert.equal(channel.room.memberCount, 2);
    await say(owner, channel.room.id, 'announcement');
    assert.equal(await errorCode(() => say(reader, channel.room.id, 'can I?')), 'cannot_post');
    const mine = await reader.client.request('listMyRooms');
    assert.ok(mine.rooms.some((r) => r.room.id === channel.room.id && r.unreadCount === 1));
    const dir = await reader.client.request('roomDirectory', { query: { q: 'new' } });
    assert.ok(dir.rooms.some((r) => r.id === channel.room.id));
    assert.ok(dir.rooms.every((r) => r.visibility === 'public'));
  });

  it('lets people join public rooms, never private ones, and caps membership', async () => {
    const [owner, a, b, c, d] = await people(server().url, 5);
    const open = await roomWith(owner, [], { visibility: 'public', name: 'Open' });
    const closed = await roomWith(owner, [], { name: 'Closed' });
    await a.client.request('joinRoom', { params: { roomId: open.room.id } });
    await a.client.request('joinRoom', { params: { roomId: open.room.id } }); // twice is fine
    assert.equal(
      await errorCode(() => a.client.request('joinRoom', { params: { roomId: closed.room.id } })),
      'room_not_found',
    );
    assert.equal(
      await errorCode(() => a.client.request('getRoom', { params: { roomId: closed.room.id } })),
      'room_not_found',
    );
    await b.client.request('joinRoom', { params: { roomId: open.room.id } });
    await c.client.request('joinRoom', { params: { roomId: open.room.id } });
    assert.equal(
      await errorCode(() => d.client.request('joinRoom', { params: { roomId: open.room.id } })),
      'room_full',
    );
  });

  it('enforces roles: admins moderate lower ranks; only the owner sets roles and transfers', async () => {
    const [owner, admin, member, other] = await people(server().url, 4);
    const roomId = (await roomWith(owner, [admin, member])).room.id;
    const m = (userId: string) => ({ roomId, userId });
    assert.equal(
      await errorCode(() =>
        admin.client.request('updateMember', { params: m(member.userId), body: { role: 'admin' } }),
      ),
      'forbidden',
    );
    const promoted = await owner.client.request('updateMember', { params: m(admin.userId), body: { role: 'admin' } });
    assert.equal(promoted.role, 'admin');
    assert.equal(await errorCode(() => member.client.request('kickMember', { params: m(admin.userId) })), 'forbidden');
    assert.equal(await errorCode(() => admin.client.request('kickMember', { params: m(owner.userId) })), 'forbidden');

    const muted = await admin.client.request('updateMember', {
      params: m(member.userId),
      body: { mutedForMinutes: 5 },
    });
    assert.ok(muted.mutedUntil);
    assert.equal(await errorCode(() => say(member, roomId, 'hello?')), 'muted');
    server().clock.advance(6 * 60_000);
    await say(member, roomId, 'back');

    await admin.client.request('banMember', { params: m(member.userId) });
    assert.equal(
      await errorCode(() => member.client.request('listMessages', { params: { roomId } })),
      'room_not_found',
    );
    assert.deepEqual(
      (await admin.client.request('listBans', { params: { roomId } })).users.map((u) => u.id),
      [member.userId],
    );
    await owner.client.request('updateRoom', { params: { roomId }, body: { visibility: 'public' } });
    assert.equal(await errorCode(() => member.client.request('joinRoom', { params: { roomId } })), 'banned');
    await admin.client.request('unbanMember', { params: m(member.userId) });
    await member.client.request('joinRoom', { params: { roomId } });

    await admin.client.request('kickMember', { params: m(member.userId) });
    assert.equal(await errorCode(() => say(member, roomId, 'still here?')), 'not_a_member');
    assert.equal(
      await errorCode(() =>
        owner.client.request('transferOwnership', { params: { roomId }, body: { userId: other.userId } }),
      ),
      'not_in_room',
    );
    assert.equal(
      await errorCode(() => owner.client.request('leaveRoom', { params: { roomId } })),
      'owner_cannot_leave',
    );
    await owner.client.request('transferOwnership', { params: { roomId }, body: { userId: admin.userId } });
    const after = await owner.client.request('listMembers', { params: { roomId } });
    assert.deepEqual(
      after.members.map((x) => [x.user.id, x.role]).sort(),
      [
        [owner.userId, 'admin'],
        [admin.userId, 'owner'],
      ].sort(),
    );
    await owner.client.request('leaveRoom', { params: { roomId } });
  });

  it('renames and deletes; members lose the room', async () => {
    const [owner, member] = await people(server().url, 2);
    const roomId = (await roomWith(owner, [member])).room.id;
    assert.equal(
      await errorCode(() => member.client.request('updateRoom', { params: { roomId }, body: { name: 'Mine' } })),
      'forbidden',
    );
    const renamed = await owner.client.request('updateRoom', {
      params: { roomId },
      body: { name: 'Renamed', topic: 'New topic' },
    });
    assert.equal(renamed.name, 'Renamed');
    assert.equal(await errorCode(() => member.client.request('deleteRoom', { params: { roomId } })), 'forbidden');
    await owner.client.request('deleteRoom', { params: { roomId } });
    assert.equal(await errorCode(() => member.client.request('getRoom', { params: { roomId } })), 'room_not_found');
    assert.ok(!(await member.client.request('listMyRooms')).rooms.some((r) => r.room.id === roomId));
  });

  it('joins password rooms by code, rotates the code, and slows down guessing', async () => {
    const [owner, guest, guesser] = await people(server().url, 3);
    const created = await roomWith(owner, [], { name: 'Secret club', password: 'open sesame please' });
    const code = created.room.joinCode;
    assert.ok(code && /^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{10}$/.test(code));
    assert.equal(created.room.hasPassword, true);
    const joined = await guest.client.request('joinByCode', {
      body: { code: code.toLowerCase(), password: 'open sesame please' },
    });
    assert.equal(joined.room.id, created.room.id);
    assert.equal(joined.room.joinCode, null, 'members do not see the code');

    for (let i = 0; i < 6; i++) {
      assert.equal(
        await errorCode(() => guesser.client.request('joinByCode', { body: { code, password: `guess ${i}` } })),
        'join_failed',
      );
    }
    assert.equal(
      await errorCode(() => guesser.client.request('joinByCode', { body: { code, password: 'open sesame please' } })),
      'too_many_attempts',
    );
    server().clock.advance(120_000);

    const rotated = await owner.client.request('setRoomPassword', {
      params: { roomId: created.room.id },
      body: { password: 'a new secret phrase' },
    });
    assert.ok(rotated.joinCode && rotated.joinCode !== code);
    assert.equal(
      await errorCode(() => guesser.client.request('joinByCode', { body: { code, password: 'open sesame please' } })),
      'join_failed',
    );
    server().clock.advance(120_000); // seven failures: the guesser waits a little longer each time
    await guesser.client.request('joinByCode', { body: { code: rotated.joinCode, password: 'a new secret phrase' } });
    assert.equal(
      await errorCode(() =>
        guest.client.request('setRoomPassword', { params: { roomId: created.room.id }, body: { password: null } }),
      ),
      'forbidden',
    );
  });
});
