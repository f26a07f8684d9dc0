import type { MemberRole, Membership, PublicUser, RoomEvent } from '@natter/protocol';
import {
  departRoom,
  isUnread,
  previewOf,
  refreshReplies,
  replyPreview,
  setReactors,
  storeMessage,
  unreadCap,
  unreadExact,
  updateUnread,
  type Model,
  type RoomEntry,
} from './model.ts';
import { addReactor, removeReactor } from './reactions.ts';

/** What a room event handler works on. `roomLevel` is false when the room's settings already reflect the event. */
export interface RoomContext {
  readonly model: Model;
  readonly entry: RoomEntry;
  readonly roomLevel: boolean;
}

type EventOf<T extends RoomEvent['type']> = Extract<RoomEvent, { type: T }>;
type RoomHandlers = { readonly [T in RoomEvent['type']]: (context: RoomContext, event: EventOf<T>) => void };

/** Sets the user's own membership, counting unread messages afresh when that is possible. */
export function setMembership(model: Model, entry: RoomEntry, membership: Membership): void {
  entry.membership = membership;
  updateUnread(model, entry, entry.appliedSeq, 0);
}

/** Moves the user's read marker forward (never back) and brings the unread count along. */
export function moveReadMarker(model: Model, entry: RoomEntry, readSeq: number): void {
  const membership = entry.membership;
  if (membership === null || readSeq <= membership.readSeq) return;
  let newlyRead = 0;
  for (const { message } of entry.messages.values()) {
    if (message.seq <= readSeq && isUnread(model, entry, message)) newlyRead++;
  }
  entry.membership = { ...membership, readSeq };
  const me = entry.members.get(model.me);
  if (me && me.readSeq !== null) entry.members.set(model.me, { ...me, readSeq: Math.max(me.readSeq, readSeq) });
  if (unreadExact(entry)) updateUnread(model, entry, entry.appliedSeq, 0);
  else if (readSeq >= (entry.room?.lastSeq ?? entry.appliedSeq)) entry.unread = 0;
  else entry.unread = Math.max(0, Math.min(unreadCap, entry.unread - newlyRead));
}

// A new member's read marker starts where they joined (assumed; the protocol does not say).
function addMember(model: Model, entry: RoomEntry, user: PublicUser, role: MemberRole, event: RoomEvent): void {
  model.users.set(user.id, user);
  const readSeq = entry.room?.kind === 'channel' ? null : event.seq;
  entry.members.set(user.id, { userId: user.id, role, joinedAt: event.at, readSeq, mutedUntil: null });
  if (user.id !== model.me) return;
  const previous = entry.membership?.readSeq ?? 0;
  setMembership(model, entry, { role, joinedAt: event.at, readSeq: Math.max(previous, event.seq), mutedUntil: null });
}

function setRole(model: Model, entry: RoomEntry, userId: string, role: MemberRole, mutedUntil?: string | null): void {
  const member = entry.members.get(userId);
  if (member) entry.members.set(userId, { ...member, role, mutedUntil: mutedUntil ?? member.mutedUntil });
  if (userId === model.me && entry.membership) {
    entry.membership = { ...entry.membership, role, mutedUntil: mutedUntil ?? entry.membership.mutedUntil };
  }
}

/** How each room event changes the state. Handlers must be idempotent: a duplicate never reaches them, a replay over a fetch may. */
export const roomEventHandlers: RoomHandlers = {
  'room.created': ({ model, entry }, event) => {
    const { kind, name, topic, visibility, hasPassword, members } = event.data;
    entry.room ??= {
      id: event.roomId,
      kind,
      name,
      topic,
      visibility,
      hasPassword,
      joinCode: null,
      ownerId: members.find((member) => member.role === 'owner')?.user.id ?? null,
      memberCount: members.length,
      lastSeq: event.seq,
      createdAt: event.at,
    };
    for (const { user, role } of members) addMember(model, entry, user, role, event);
  },
  'message.created': ({ model, entry }, event) => {
    const { message } = event.data;
    // A message already known came from a later fetch, which is newer than its creation.
    if (entry.messages.has(message.id)) return;
    storeMessage(entry, message);
    updateUnread(model, entry, event.seq, isUnread(model, entry, message) ? 1 : 0);
  },
  'message.edited': ({ entry }, event) => {
    const { messageId, body, mentions, editedAt } = event.data;
    const stored = entry.messages.get(messageId);
    if (stored) stored.message = { ...stored.message, body, mentions, editedAt };
    // The original may be older than what the state holds; its replies still show the new text.
    refreshReplies(entry, messageId, stored ? replyPreview(stored.message) : previewOf(body));
  },
  'message.deleted': ({ model, entry }, event) => {
    const stored = entry.messages.get(event.data.messageId);
    const wasUnread = stored !== undefined && isUnread(model, entry, stored.message);
    if (stored && stored.message.deletedAt === null) {
      // A tombstone keeps its place and references but nothing of the content: text, mentions,
      // file and reactions go (as the server stores it; the protocol only spells out the text).
      stored.message = { ...stored.message, body: '', mentions: [], file: null, deletedAt: event.data.deletedAt };
      setReactors(stored, []);
    }
    refreshReplies(entry, event.data.messageId, '');
    updateUnread(model, entry, event.seq, wasUnread ? -1 : 0);
  },
  'reaction.added': ({ entry }, event) => {
    const { messageId, emoji, userId } = event.data;
    const stored = entry.messages.get(messageId);
    if (stored) setReactors(stored, addReactor(stored.reactors, { emoji, userId, key: event.seq }));
  },
  'reaction.removed': ({ entry }, event) => {
    const { messageId, emoji, userId } = event.data;
    const stored = entry.messages.get(messageId);
    if (stored) setReactors(stored, removeReactor(stored.reactors, emoji, userId));
  },
  'read.updated': ({ model, entry }, event) => {
    const { userId, seq } = event.data;
    const member = entry.members.get(userId);
    if (member) entry.members.set(userId, { ...member, readSeq: Math.max(member.readSeq ?? 0, seq) });
    if (userId === model.me) moveReadMarker(model, entry, seq);
  },
  'member.joined': ({ model, entry, roomLevel }, event) => {
    addMember(model, entry, event.data.user, event.data.role, event);
    if (roomLevel && entry.room) entry.room = { ...entry.room, memberCount: entry.room.memberCount + 1 };
  },
  'member.left': ({ model, entry, roomLevel }, event) => {
    const { userId } = event.data;
    if (userId === model.me) {
      departRoom(model, entry.id, event.seq);
      return;
    }
    entry.members.delete(userId);
    if (roomLevel && entry.room) entry.room = { ...entry.room, memberCount: entry.room.memberCount - 1 };
  },
  'member.updated': ({ model, entry }, event) => {
    setRole(model, entry, event.data.userId, event.data.role, event.data.mutedUntil);
  },
  'member.unbanned': () => {
    // Bans are not part of the state (only owners and admins can list them).
  },
  'room.updated': ({ entry, roomLevel }, event) => {
    if (roomLevel && entry.room) entry.room = { ...entry.room, ...event.data };
  },
  'room.owner_changed': ({ model, entry, roomLevel }, event) => {
    if (roomLevel && entry.room) entry.room = { ...entry.room, ownerId: event.data.to };
    setRole(model, entry, event.data.from, 'admin');
    setRole(model, entry, event.data.to, 'owner');
  },
  'room.deleted': ({ model, entry }, event) => {
    departRoom(model, entry.id, event.seq);
  },
};
