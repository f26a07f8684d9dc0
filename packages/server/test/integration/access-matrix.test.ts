import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { chatEndpoints, errorCodes, type ErrorCode } from '@natter/protocol';
import {
  actorNames,
  actorsOf,
  buildWorld,
  connect,
  restCall,
  roomKeys,
  socketCall,
  tokenlessSocketCall,
  uniqueWord,
  type ActorName,
  type Answer,
  type Call,
  type ChatOp,
  type Input,
  type RoomKey,
  type SignedIn,
  type TargetRoom,
  type World,
} from '../helpers/access-world.ts';
import { bodies, people, roomWith, say, type Person } from '../helpers/chat.ts';
import { errorCode } from '../helpers/people.ts';
import { must, onEveryEngine } from '../helpers/suite.ts';
import { sleep } from '../realtime/test-client.ts';

// Every chat operation × every kind of caller × both transports, against what docs/protocol.md
// promises ("People, rooms and messages over REST"): a non-member of a private room cannot tell it
// exists; of a public one, is told to join; a ban keeps a person out; a block keeps them away from
// the blocker; a plain member stays within their role. And no refusal carries the room's data.

type Outcome = { ok: 200 | 201 | 204 } | { error: ErrorCode };
const ok = (status: 200 | 201 | 204): Outcome => ({ ok: status });
const no = (code: ErrorCode): Outcome => ({ error: code });
/** What a non-member of `r` gets: only a public room admits it exists. */
const notIn = (r: TargetRoom): Outcome => no(r.isPublic ? 'not_a_member' : 'room_not_found');

type Undo = (w: World, actor: SignedIn, r: TargetRoom | undefined) => Promise<unknown>;

/** One input of an operation, tried by every actor. */
interface Row {
  where: string;
  input: Input;
  expect: (actor: SignedIn) => Outcome;
  /** A room a successful call makes the actor a member of. */
  joins?: TargetRoom;
  /** Puts back what a successful call changed, so later rows see the world as built. */
  undo?: Undo;
  /** The room the row is about, if any. */
  room?: TargetRoom;
}

interface RoomOptions {
  on?: readonly RoomKey[];
  /** What non-members get (banned ones included); room_not_found or not_a_member by default. */
  stranger?: (r: TargetRoom, actor: SignedIn) => Outcome;
  undo?: Undo;
  joins?: boolean;
}

/** An operation on a room: `asMember` for its members, `stranger` for everyone else. */
function inRoom(
  input: (r: TargetRoom, w: World) => Input,
  asMember: Outcome | ((r: TargetRoom) => Outcome),
  options: RoomOptions = {},
): (w: World) => Row[] {
  return (w) =>
    (options.on ?? roomKeys).map((key) => {
      const r = w.rooms[key];
      const member = typeof asMember === 'function' ? asMember(r) : asMember;
      const stranger = options.stranger ?? notIn;
      return {
        where: key,
        room: r,
        input: input(r, w),
        expect: (actor) => (r.members.has(actor) ? member : stranger(r, actor)),
        ...(options.joins === true ? { joins: r } : {}),
        ...(options.undo ? { undo: options.undo } : {}),
      };
    });
}

/** An operation on the owner as a person (or on nobody): `answer` for all but the person the owner blocked. */
function onOwner(
  input: (w: World) => Input,
  answer: Outcome,
  options: { blocked?: Outcome; undo?: Undo } = {},
): (w: World) => Row[] {
  return (w) => [
    {
      where: 'owner',
      input: input(w),
      expect: (actor) => (actor === 'blocked' ? (options.blocked ?? answer) : answer),
      ...(options.undo ? { undo: options.undo } : {}),
    },
  ];
}

const none = (): Input => ({});
const theOwner = (w: World): Input => ({ params: { userId: w.owner.userId } });
const room = (r: TargetRoom) => ({ params: { roomId: r.id } });
const ownerIn = (r: TargetRoom, w: World): Input => ({ params: { roomId: r.id, userId: w.owner.userId } });
const message = (r: TargetRoom) => ({ params: { roomId: r.id, messageId: r.messageId } });
const thumb = { body: { emoji: '👍' } };
const as = (w: World, actor: SignedIn) => w.actors[actor].client;
/** The actor leaves a room they were not in before the row. */
const leaveIfJoined: Undo = (w, actor, r) =>
  r === undefined || r.members.has(actor) ? Promise.resolve() : as(w, actor).request('leaveRoom', room(r));
const toOwner =
  (op: 'cancelContactRequest' | 'unfollow' | 'unblock'): Undo =>
  (w, actor) =>
    as(w, actor).request(op, { params: { userId: w.owner.userId } });
const notDirect = (answer: Outcome) => (r: TargetRoom) => (r.kind === 'direct' ? no('forbidden') : answer);
/** Channels are the owner's and admins' to post in; a blocked peer cannot reach the blocker. */
const posting = (answer: Outcome) => (r: TargetRoom) =>
  r.kind === 'channel' ? no('cannot_post') : r.kind === 'direct' ? no('user_unavailable') : answer;

/** How to call each operation, and what each kind of caller must get. */
const cases: Record<ChatOp, (w: World) => Row[]> = {
  listContacts: onOwner(none, ok(200)),
  requestContact: onOwner(theOwner, ok(204), {
    blocked: no('user_unavailable'),
    undo: toOwner('cancelContactRequest'),
  }),
  acceptContact: onOwner(theOwner, no('request_not_found')),
  rejectContact: onOwner(theOwner, no('request_not_found')),
  cancelContactRequest: onOwner(theOwner, no('request_not_found')),
  removeContact: onOwner(theOwner, no('contact_not_found')),
  listFollows: onOwner(none, ok(200)),
  follow: onOwner(theOwner, ok(204), { blocked: no('user_unavailable'), undo: toOwner('unfollow') }),
  unfollow: onOwner(theOwner, ok(204)),
  listBlocks: onOwner(none, ok(200)),
  block: onOwner(theOwner, ok(204), { undo: toOwner('unblock') }),
  unblock: onOwner(theOwner, ok(204)),
  listMyRooms: onOwner(none, ok(200)),
  createRoom: onOwner(() => ({ body: { kind: 'group', name: 'Probe' } }), ok(201)),
  openDirect: onOwner((w) => ({ body: { userId: w.owner.userId } }), ok(200), { blocked: no('user_unavailable') }),
  roomDirectory: onOwner(() => ({ query: {} }), ok(200)),
  joinByCode: inRoom((_r, w) => ({ body: w.join }), ok(200), {
    on: ['privateGroup'],
    stranger: (_r, actor) => (actor === 'banned' ? no('banned') : ok(200)),
    undo: leaveIfJoined,
    joins: true,
  }),
  getRoom: inRoom(room, ok(200)),
  updateRoom: inRoom((r) => ({ ...room(r), body: { topic: 'probe' } }), no('forbidden')),
  deleteRoom: inRoom(room, no('forbidden')),
  setRoomPassword: inRoom((r) => ({ ...room(r), body: { password: null } }), no('forbidden')),
  // Only public rooms are joined by id; joining twice is fine.
  joinRoom: inRoom(room, (r) => (r.isPublic ? ok(200) : no('room_not_found')), {
    stranger: (r, actor) => (!r.isPublic ? no('room_not_found') : actor === 'banned' ? no('banned') : ok(200)),
    undo: leaveIfJoined,
    joins: true,
  }),
  leaveRoom: inRoom(room, notDirect(ok(204)), {
    undo: (w, actor, r) =>
      w.owner.client.request('inviteMembers', { ...room(must(r)), body: { userIds: [w.actors[actor].userId] } }),
  }),
  listMembers: inRoom(room, ok(200)),
  // Members invite to public groups; inviting someone already in adds nobody.
  inviteMembers: inRoom(
    (r, w) => ({ ...room(r), body: { userIds: [w.owner.userId] } }),
    (r) => (r.kind === 'group' && r.isPublic ? ok(200) : no('forbidden')),
  ),
  updateMember: inRoom((r, w) => ({ ...ownerIn(r, w), body: { mutedForMinutes: 1 } }), no('forbidden')),
  kickMember: inRoom(ownerIn, no('forbidden')),
  listBans: inRoom(room, no('forbidden')),
  banMember: inRoom(ownerIn, no('forbidden')),
  unbanMember: inRoom(ownerIn, no('forbidden')),
  transferOwnership: inRoom((r, w) => ({ ...room(r), body: { userId: w.owner.userId } }), no('forbidden')),
  sendMessage: inRoom((r) => ({ ...room(r), body: { txnId: randomUUID(), body: 'probe' } }), posting(ok(201))),
  listMessages: inRoom((r) => ({ ...room(r), query: { around: r.messageId } }), ok(200)),
  getMessage: inRoom(message, ok(200)),
  editMessage: inRoom((r) => ({ ...message(r), body: { body: 'probe' } }), no('forbidden')),
  deleteMessage: inRoom(message, no('forbidden')),
  addReaction: inRoom(
    (r) => ({ ...message(r), ...thumb }),
    (r) => (r.kind === 'direct' ? no('user_unavailable') : ok(204)),
    {
      undo: (w, actor, r) => as(w, actor).request('removeReaction', { ...message(must(r)), ...thumb }),
    },
  ),
  removeReaction: inRoom((r) => ({ ...message(r), ...thumb }), ok(204)),
  markRead: inRoom((r) => ({ ...room(r), body: { seq: 1 } }), ok(204)),
  setTyping: inRoom((r) => ({ ...room(r), body: { typing: true } }), posting(ok(204))),
  searchMessages: inRoom((r) => ({ query: { q: r.word, roomId: r.id } }), ok(200)),
  sync: onOwner(() => ({ body: { cursor: { user: 0, rooms: {} } } }), ok(200)),
};

/** The answer as the transport shows it: an HTTP status, or a frame type, or a close. */
const shown = (a: Answer): string => (a.code === null ? a.status : `${a.status} ${a.code}`);
const overRest = (o: Outcome): string => ('ok' in o ? String(o.ok) : `${errorCodes[o.error].status} ${o.error}`);
/** Without a token, a socket is closed before any op is heard. */
const overSocket = (o: Outcome): string =>
  'ok' in o ? 'result' : o.error === 'unauthenticated' ? 'closed 4001' : `error ${o.error}`;

/** What in `answer` the actor must not have received. */
function leaks(w: World, actor: ActorName, row: Row, answer: Answer): string[] {
  const rooms = [...Object.values(w.rooms), w.elsewhere];
  const readable = (r: TargetRoom) => answer.code === null && (r.members.has(actor) || row.joins === r);
  const found = rooms.flatMap((r) =>
    readable(r) ? [] : r.secrets.filter((s) => answer.text.includes(s)).map(() => `a secret of ${r.key}`),
  );
  if (answer.code !== null || answer.status.startsWith('closed')) {
    const self = actor === 'anonymous' ? '' : w.actors[actor].userId;
    const ids = [w.owner, ...Object.values(w.actors)].map((p) => p.userId).filter((id) => id !== self);
    if (ids.some((id) => answer.text.includes(id))) found.push('a user id');
  }
  return found;
}

/** Runs every row as every actor; returns each answer that differs from the promise, and each leak. */
async function runMatrix(w: World, calls: Record<ActorName, Call>, expected: (o: Outcome) => string) {
  const problems: string[] = [];
  let cells = 0;
  for (const [op, rowsOf] of Object.entries(cases) as [ChatOp, (w: World) => Row[]][]) {
    for (const row of rowsOf(w)) {
      for (const actor of actorNames) {
        const answer = await calls[actor](op, row.input);
        cells += 1;
        const where = `${op} ${row.where} as ${actor}`;
        const want = expected(actor === 'anonymous' ? no('unauthenticated') : row.expect(actor));
        if (shown(answer) !== want) problems.push(`${where}: expected ${want}, got ${shown(answer)}`);
        for (const leak of leaks(w, actor, row, answer)) problems.push(`${where}: leaked ${leak}`);
        if (actor !== 'anonymous' && answer.code === null) await row.undo?.(w, actor, row.room);
      }
    }
  }
  return { problems, cells };
}

onEveryEngine('access matrix', { NATTER_WS_FRAMES_PER_SECOND: '10000' }, (server) => {
  let world: World | undefined;
  const w = async (): Promise<World> => (world ??= await buildWorld(server().url));

  it('has a row for every chat operation of the endpoint table', () => {
    assert.deepEqual(
      Object.keys(chatEndpoints).filter((op) => !Object.hasOwn(cases, op)),
      [],
      'operations the access matrix does not cover',
    );
  });

  it('answers every operation as documented over REST, and refusals carry nothing of the object', async (t) => {
    const world = await w();
    const calls = { anonymous: restCall(world.url) } as Record<ActorName, Call>;
    for (const [name, person] of actorsOf(world)) calls[name] = restCall(world.url, person.client.session?.accessToken);
    const { problems, cells } = await runMatrix(world, calls, overRest);
    t.diagnostic(`${cells} calls`);
    assert.deepEqual(problems, []);
  });

  it('answers the same over the WebSocket; a socket without a token is closed with 4001, unanswered', async (t) => {
    const world = await w();
    const calls = { anonymous: tokenlessSocketCall(world.url) } as Record<ActorName, Call>;
    const sockets = [];
    for (const [name, person] of actorsOf(world)) {
      const socket = await connect(world.url, person);
      sockets.push(socket);
      calls[name] = socketCall(socket);
    }
    try {
      const { problems, cells } = await runMatrix(world, calls, overSocket);
      t.diagnostic(`${cells} calls`);
      assert.deepEqual(problems, []);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });

  it('search finds a room’s word only for those in the room now, on both transports', async () => {
    const world = await w();
    const everyone: [SignedIn | 'owner', Person][] = [['owner', world.owner], ...actorsOf(world)];
    const early = { ...world.early, key: 'privateGroup before the ban', members: new Set<ActorName>(['member']) };
    const problems: string[] = [];
    for (const [name, person] of everyone) {
      const socket = await connect(world.url, person);
      const calls = { rest: restCall(world.url, person.client.session?.accessToken), socket: socketCall(socket) };
      for (const [transport, call] of Object.entries(calls)) {
        for (const r of [...Object.values(world.rooms), world.elsewhere, early]) {
          const found = (await call('searchMessages', { query: { q: r.word } })).text.includes(r.messageId);
          if (found !== (name === 'owner' || r.members.has(name))) {
            problems.push(`${name} over ${transport} ${found ? 'found' : 'missed'} the word of ${r.key}`);
          }
        }
      }
      await socket.close();
    }
    assert.deepEqual(problems, []);
  });

  it('a blocked person sees the blocker offline, in presence.watch and in member lists', async () => {
    const world = await w();
    const { owner, actors } = world;
    const sockets = await Promise.all(
      [owner, actors.member, actors.blocked, actors.outsider].map((p) => connect(world.url, p)),
    );
    try {
      const watch = { body: { userIds: [owner.userId, actors.member.userId] } };
      const seen = (online: boolean) => ({ users: watch.body.userIds.map((userId) => ({ userId, online })) });
      assert.deepEqual(await must(sockets[3]).call('presence.watch', watch), seen(true), 'an outsider sees them');
      assert.deepEqual(await must(sockets[2]).call('presence.watch', watch), seen(false), 'the blocked does not');
      const ownerOnline = async (person: Person, r: TargetRoom) =>
        (await person.client.request('listMembers', room(r))).members.find((m) => m.user.id === owner.userId)?.online;
      assert.equal(await ownerOnline(actors.member, world.rooms.privateGroup), true);
      assert.equal(await ownerOnline(actors.blocked, world.rooms.direct), false);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });

  it('a blocked person keeps the old direct room to read, but cannot edit into it', async () => {
    const [ada, bob] = await people(server().url, 2);
    const roomId = (await bob.client.request('openDirect', { body: { userId: ada.userId } })).room.id;
    const said = await say(bob, roomId, 'hello ada');
    await ada.client.request('block', { params: { userId: bob.userId } });
    const mine = { params: { roomId, messageId: said.message.id } };
    const edit = () => bob.client.request('editMessage', { ...mine, body: { body: 'still here' } });
    assert.equal(await errorCode(edit), 'user_unavailable');
    assert.deepEqual(await bodies(bob, roomId), ['hello ada']);
    await bob.client.request('deleteMessage', mine);
  });

  it('someone kicked or banned while connected receives nothing of the room after it', async () => {
    const world = await w();
    const { owner } = world;
    const [kicked, banned] = await people(world.url, 2);
    const roomId = (await roomWith(owner, [world.actors.member, kicked, banned], { name: 'Live' })).room.id;
    const sockets = await Promise.all([world.actors.member, kicked, banned].map((p) => connect(world.url, p)));
    const [watching, ...gone] = sockets;
    try {
      for (const s of sockets) await s.sync();
      const ends: number[] = [];
      const removals = [
        [kicked, 'kickMember'],
        [banned, 'banMember'],
      ] as const;
      for (const [i, [person, op]] of removals.entries()) {
        await owner.client.request(op, { params: { roomId, userId: person.userId } });
        const socket = must(gone[i]);
        // The two events that end the membership, in whichever order they come.
        await socket.take((f) => f.type === 'event' && f.event.type === 'room.left');
        await socket.take(
          (f) => f.type === 'event' && f.event.type === 'member.left' && f.event.data.userId === person.userId,
        );
        ends.push(socket.received.length);
      }
      const last = await say(owner, roomId, `after ${uniqueWord()}`);
      await owner.client.request('setTyping', { params: { roomId }, body: { typing: true } });
      await owner.client.request('updateRoom', { params: { roomId }, body: { name: 'Renamed' } });
      await must(watching).take((f) => f.type === 'event' && f.event.type === 'room.updated');
      assert.ok(JSON.stringify(must(watching).received).includes(last.message.id), 'the member still hears the room');
      await sleep(100); // a moment for anything wrongly addressed to them, then a round trip behind it
      for (const [i, socket] of gone.entries()) {
        await socket.settle();
        const after = socket.received.slice(ends[i]).filter((f) => JSON.stringify(f).includes(roomId));
        assert.deepEqual(after, [], i === 0 ? 'the kicked' : 'the banned');
      }
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });
});
