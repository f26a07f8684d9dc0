import { randomUUID } from 'node:crypto';
import type { MyRoom, NatterClient, SendResult } from '@natter/client';
import type { CreateRoomRequest } from '@natter/protocol';
import { signUp } from './people.ts';

/** A signed-in person for chat tests. */
export interface Person {
  client: NatterClient;
  userId: string;
  username: string;
}

/** A tuple of `N` values of `T`, so `const [a, b] = ...` needs no checks. */
export type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [...R, T]>;

/** Registers `count` fresh people on the server. */
export async function people<N extends number>(baseUrl: string, count: N): Promise<Tuple<Person, N>> {
  const out: Person[] = [];
  for (let i = 0; i < count; i++) {
    const { client, userId, person } = await signUp(baseUrl);
    out.push({ client, userId, username: person.username });
  }
  return out as Tuple<Person, N>;
}

/** Creates a room owned by `owner` with `members` added. */
export async function roomWith(
  owner: Person,
  members: readonly Person[],
  options: Partial<CreateRoomRequest> = {},
): Promise<MyRoom> {
  return owner.client.request('createRoom', {
    body: { kind: 'group', name: 'Test room', memberIds: members.map((m) => m.userId), ...options },
  });
}

/** Sends a text message with a fresh transaction id. */
export function say(person: Person, roomId: string, body: string, txnId: string = randomUUID()): Promise<SendResult> {
  return person.client.request('sendMessage', { params: { roomId }, body: { txnId, body } });
}

/** The bodies of a room's newest messages, oldest first. */
export async function bodies(person: Person, roomId: string, limit = 100): Promise<string[]> {
  const page = await person.client.request('listMessages', { params: { roomId }, query: { limit } });
  return page.messages.map((m) => m.body);
}
