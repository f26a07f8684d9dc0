import type { ChatSnapshot, Relation, RoomSnapshot } from './chat-state-types.ts';
import type { Model, RoomEntry } from './model.ts';

// Code-unit order, never locale order: a snapshot must sort the same on every machine.
const byId =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

function relations(map: ReadonlyMap<string, string>): Relation[] {
  return [...map].map(([userId, since]) => ({ userId, since })).sort(byId((r) => r.userId));
}

/** One room as plain sorted data. */
export function roomSnapshot(entry: RoomEntry): RoomSnapshot {
  let room: RoomSnapshot['room'] = null;
  if (entry.room) {
    const { joinCode: _joinCode, ...rest } = entry.room;
    room = rest;
  }
  return {
    id: entry.id,
    room,
    membership: entry.membership,
    unreadCount: entry.unread,
    members: [...entry.members.values()].sort(byId((m) => m.userId)),
    messages: [...entry.messages.values()].map((stored) => stored.message).sort((a, b) => a.seq - b.seq),
  };
}

/** The comparable part of the whole state as plain sorted data. */
export function chatSnapshot(model: Model): ChatSnapshot {
  return {
    rooms: [...model.rooms.values()].map(roomSnapshot).sort(byId((r) => r.id)),
    contacts: relations(model.contacts),
    incoming: relations(model.incoming),
    outgoing: relations(model.outgoing),
    followers: relations(model.followers),
    following: relations(model.following),
    blocked: relations(model.blocked),
  };
}
