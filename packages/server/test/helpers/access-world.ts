// The cast and the two transports of the access matrix (test/integration/access-matrix.test.ts).
import { randomBytes } from 'node:crypto';
import { buildUrl } from '@natter/client';
import { chatEndpoints, realtimePath, subprotocols } from '@natter/protocol';
import { TestClient } from '../realtime/test-client.ts';
import { people, roomWith, say, type Person } from './chat.ts';

/** Who calls: nobody, then five kinds of people who must not get at the rooms, then a plain member. */
export const actorNames = ['anonymous', 'outsider', 'banned', 'otherRoom', 'blocked', 'member'] as const;
export type ActorName = (typeof actorNames)[number];
export type SignedIn = Exclude<ActorName, 'anonymous'>;

export const roomKeys = ['privateGroup', 'publicGroup', 'publicChannel', 'direct'] as const;
export type RoomKey = (typeof roomKeys)[number];

/** A chat operation, by its name in the endpoint table. */
export type ChatOp = keyof typeof chatEndpoints;

/** An operation's input, split as on both transports. */
export interface Input {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** One room of the world and what only its members may learn. */
export interface TargetRoom {
  key: RoomKey | 'elsewhere';
  id: string;
  kind: 'group' | 'channel' | 'direct';
  isPublic: boolean;
  /** A message of the owner's whose body holds `word`. */
  messageId: string;
  word: string;
  /** Text no non-member may ever receive: the message body, and the private group's name. */
  secrets: string[];
  /** The actors who are members (the owner is in every room). */
  members: ReadonlySet<ActorName>;
}

/** Everyone and everything the matrix runs against. */
export interface World {
  url: string;
  owner: Person;
  actors: Record<SignedIn, Person>;
  rooms: Record<RoomKey, TargetRoom>;
  /** A group of the owner's with only `otherRoom` in it. */
  elsewhere: TargetRoom;
  /** The private group is a password room: its code and password. */
  join: { code: string; password: string };
  /** A message said in the private group before `banned` was banned. */
  early: { word: string; messageId: string };
}

/** A word no other room or run contains, all letters so both search engines keep it whole. */
export function uniqueWord(): string {
  return [...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

/**
 * The owner makes three groups (a private password group, a public group, a public channel) with
 * `member` and `banned` in them, and a group `elsewhere` with `otherRoom`; `blocked` opens a direct
 * room with the owner. Then `banned` is banned from the three groups, the owner and `member` block
 * `blocked`, the private group gets a new name, and only then the owner says a secret in each room,
 * so nothing secret predates anyone's exit.
 */
export async function buildWorld(url: string): Promise<World> {
  const [owner, member, outsider, banned, otherRoom, blocked] = await people(url, 6);
  const password = 'matrix room passphrase';
  const open = { visibility: 'public' } as const;
  const made = {
    privateGroup: await roomWith(owner, [member, banned], { name: 'Matrix private', password }),
    publicGroup: await roomWith(owner, [member, banned], { name: 'Matrix public', ...open }),
    publicChannel: await roomWith(owner, [member, banned], { kind: 'channel', name: 'Matrix channel', ...open }),
    direct: await blocked.client.request('openDirect', { body: { userId: owner.userId } }),
    elsewhere: await roomWith(owner, [otherRoom], { name: 'Matrix elsewhere' }),
  };
  const earlyWord = uniqueWord();
  const { message: earlyMessage } = await say(owner, made.privateGroup.room.id, `before the ban ${earlyWord}`);
  for (const key of ['privateGroup', 'publicGroup', 'publicChannel'] as const) {
    await owner.client.request('banMember', { params: { roomId: made[key].room.id, userId: banned.userId } });
  }
  for (const blocker of [owner, member]) await blocker.client.request('block', { params: { userId: blocked.userId } });
  const hiddenName = `Hidden ${uniqueWord()}`;
  await owner.client.request('updateRoom', {
    params: { roomId: made.privateGroup.room.id },
    body: { name: hiddenName },
  });

  const seed = async (key: TargetRoom['key'], members: ActorName[], extra: string[] = []): Promise<TargetRoom> => {
    const { room } = made[key];
    const word = uniqueWord();
    const { message } = await say(owner, room.id, `secret ${word}`);
    const isPublic = room.visibility === 'public';
    const base = { key, id: room.id, kind: room.kind, isPublic, messageId: message.id, word };
    return { ...base, secrets: [message.body, ...extra], members: new Set(members) };
  };
  const joinCode = made.privateGroup.room.joinCode;
  if (joinCode === null) throw new Error('the private group has no join code');
  return {
    url,
    owner,
    actors: { outsider, banned, otherRoom, blocked, member },
    rooms: {
      privateGroup: await seed('privateGroup', ['member'], [hiddenName]),
      publicGroup: await seed('publicGroup', ['member']),
      publicChannel: await seed('publicChannel', ['member']),
      direct: await seed('direct', ['blocked']),
    },
    elsewhere: await seed('elsewhere', ['otherRoom']),
    join: { code: joinCode, password },
    early: { word: earlyWord, messageId: earlyMessage.id },
  };
}

/** What one call answered, on either transport. */
export interface Answer {
  /** REST: the HTTP status. WebSocket: 'result' or 'error', or 'closed <code>' when the socket closed. */
  status: string;
  /** The error code, or null on success. */
  code: string | null;
  /** Everything the caller received, as text, to look for leaks in. */
  text: string;
}

/** Calls one operation as one person. */
export type Call = (op: ChatOp, input: Input) => Promise<Answer>;

/** REST over plain fetch, with `token` as the bearer token when there is one. */
export function restCall(url: string, token?: string): Call {
  return async (op, input) => {
    const endpoint = chatEndpoints[op];
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method: endpoint.method, headers };
    if ('body' in endpoint) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(input.body ?? {});
    }
    const response = await fetch(buildUrl(url, endpoint.path, input.params, input.query), init);
    const text = await response.text();
    const code = response.ok ? null : ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '?');
    return { status: String(response.status), code, text };
  };
}

/** Frames over one open, authenticated connection. */
export function socketCall(client: TestClient): Call {
  return async (op, input) => {
    const frame = await client.request(op, input);
    const code = frame.type === 'error' ? frame.error.code : null;
    return { status: frame.type, code, text: JSON.stringify(frame) };
  };
}

/** Each call on a fresh connection that offers no token and sends the op as its first frame. */
export function tokenlessSocketCall(url: string): Call {
  const wsUrl = url.replace(/^http/, 'ws') + realtimePath;
  return async (op, input) => {
    const client = await TestClient.open(wsUrl, { protocols: [subprotocols.json] });
    client.send({ id: 1, op, input });
    const { code } = await client.closed;
    const text = client.received.map((f) => JSON.stringify(f)).join();
    return { status: text === '' ? `closed ${code}` : `answered, then closed ${code}`, code: null, text };
  };
}

/** The signed-in actors with their names. */
export function actorsOf(world: World): [SignedIn, Person][] {
  return Object.entries(world.actors) as [SignedIn, Person][];
}

/** Opens an authenticated connection for `person`. */
export function connect(url: string, person: Person): Promise<TestClient> {
  const token = person.client.session?.accessToken;
  if (token === undefined) throw new Error(`${person.username} is not signed in`);
  return TestClient.connect(url.replace(/^http/, 'ws') + realtimePath, token);
}
