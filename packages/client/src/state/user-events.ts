import type { UserEvent } from '@natter/protocol';
import { departRoom, roomEntry, type Model } from './model.ts';
import { moveReadMarker, setMembership } from './room-events.ts';

type EventOf<T extends UserEvent['type']> = Extract<UserEvent, { type: T }>;
type UserHandlers = { readonly [T in UserEvent['type']]: (model: Model, event: EventOf<T>) => void };

/** Ends everything between the user and `userId` that a block ends: contact, requests, follows. */
function severTies(model: Model, userId: string): void {
  for (const relation of [model.contacts, model.incoming, model.outgoing, model.followers, model.following]) {
    relation.delete(userId);
  }
}

/** How each user event changes the state. Replayed over a fetch, each must leave a newer state alone. */
export const userEventHandlers: UserHandlers = {
  'contact.requested': (model, { data, at }) => {
    model.users.set(data.from.id, data.from);
    model.users.set(data.to.id, data.to);
    if (data.from.id === model.me) model.outgoing.set(data.to.id, at);
    else model.incoming.set(data.from.id, at);
  },
  'contact.request_ended': (model, { data }) => {
    if (data.fromId === model.me) model.outgoing.delete(data.toId);
    else model.incoming.delete(data.fromId);
  },
  'contact.added': (model, { data, at }) => {
    model.users.set(data.user.id, data.user);
    model.contacts.set(data.user.id, at);
    model.incoming.delete(data.user.id);
    model.outgoing.delete(data.user.id);
  },
  'contact.removed': (model, { data }) => {
    model.contacts.delete(data.userId);
  },
  'follow.added': (model, { data, at }) => {
    model.users.set(data.follower.id, data.follower);
    model.users.set(data.followee.id, data.followee);
    if (data.follower.id === model.me) model.following.set(data.followee.id, at);
    if (data.followee.id === model.me) model.followers.set(data.follower.id, at);
  },
  'follow.removed': (model, { data }) => {
    if (data.followerId === model.me) model.following.delete(data.followeeId);
    if (data.followeeId === model.me) model.followers.delete(data.followerId);
  },
  'block.added': (model, { data, at }) => {
    model.blocked.set(data.userId, at);
    severTies(model, data.userId);
  },
  'block.removed': (model, { data }) => {
    model.blocked.delete(data.userId);
  },
  'room.joined': (model, { data, at }) => {
    // A join older than a later departure (a replay) changes nothing.
    if ((model.departed.get(data.roomId) ?? 0) >= data.seq) return;
    model.departed.delete(data.roomId);
    const entry = roomEntry(model, data.roomId);
    if (entry.membership === null) {
      setMembership(model, entry, { role: data.role, joinedAt: at, readSeq: data.seq, mutedUntil: null });
    }
  },
  'room.left': (model, { data }) => {
    const entry = model.rooms.get(data.roomId);
    // The state already holds the room past this point: this is a replay of an earlier membership.
    if (entry && entry.appliedSeq > data.seq) return;
    departRoom(model, data.roomId, data.seq);
  },
  'read.updated': (model, { data }) => {
    const entry = model.rooms.get(data.roomId);
    if (entry) moveReadMarker(model, entry, data.seq);
  },
  mention: () => {
    // Mentions are notifications; the message itself arrives in its room.
  },
};
