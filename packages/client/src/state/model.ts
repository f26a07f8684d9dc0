import type { Membership, Message, PublicUser, Room } from '@natter/protocol';
import type { MemberSnapshot } from './chat-state-types.ts';
import { groupReactions, reactorsOf, type Reactor } from './reactions.ts';

/** Most unread messages a room reports, as the server caps them. */
export const unreadCap = 1000;

/** A message with the order of its reactions. */
export interface StoredMessage {
  message: Message;
  reactors: Reactor[];
}

/** What the state knows of one room. */
export interface RoomEntry {
  readonly id: string;
  room: Room | null;
  /** The highest room event applied; events at or below it are duplicates. */
  appliedSeq: number;
  /** Every message with a seq above this is known; null when that is not known of any point. */
  coveredFrom: number | null;
  membership: Membership | null;
  unread: number;
  /** The seq through which `unread` accounts for events. */
  unreadAsOf: number;
  readonly members: Map<string, MemberSnapshot>;
  readonly messages: Map<string, StoredMessage>;
}

/** The whole state, shared by the event handlers. */
export interface Model {
  readonly me: string;
  userSeq: number;
  readonly rooms: Map<string, RoomEntry>;
  /** Rooms the user left or that were deleted, with the room seq where that happened: older events are stale. */
  readonly departed: Map<string, number>;
  readonly users: Map<string, PublicUser>;
  readonly contacts: Map<string, string>;
  readonly incoming: Map<string, string>;
  readonly outgoing: Map<string, string>;
  readonly followers: Map<string, string>;
  readonly following: Map<string, string>;
  readonly blocked: Map<string, string>;
  readonly presence: Map<string, boolean>;
}

/** An empty state for user `me`. */
export function emptyModel(me: string): Model {
  return {
    me,
    userSeq: 0,
    rooms: new Map(),
    departed: new Map(),
    users: new Map(),
    contacts: new Map(),
    incoming: new Map(),
    outgoing: new Map(),
    followers: new Map(),
    following: new Map(),
    blocked: new Map(),
    presence: new Map(),
  };
}

/** The room's entry, created empty when the state has not heard of it. */
export function roomEntry(model: Model, roomId: string): RoomEntry {
  let entry = model.rooms.get(roomId);
  if (!entry) {
    entry = {
      id: roomId,
      room: null,
      appliedSeq: 0,
      coveredFrom: null,
      membership: null,
      unread: 0,
      unreadAsOf: 0,
      members: new Map(),
      messages: new Map(),
    };
    model.rooms.set(roomId, entry);
  }
  return entry;
}

/** Forgets a room the user is no longer in, remembering where, so late events about it stay out. */
export function departRoom(model: Model, roomId: string, seq: number): void {
  model.rooms.delete(roomId);
  model.departed.set(roomId, Math.max(model.departed.get(roomId) ?? 0, seq));
}

/** Stores a message as fetched or created, with its reactions in the order it shows them. */
export function storeMessage(entry: RoomEntry, message: Message): void {
  entry.messages.set(message.id, { message, reactors: reactorsOf(message) });
}

/** Replaces a stored message's reactors and the reactions derived from them. */
export function setReactors(stored: StoredMessage, reactors: Reactor[]): void {
  stored.reactors = reactors;
  stored.message = { ...stored.message, reactions: groupReactions(reactors) };
}

const countsAsUnread = (message: Message, me: string, readSeq: number): boolean =>
  message.seq > readSeq && message.senderId !== me && message.deletedAt === null;

/** True when every message after the read marker is known, so the unread count can be counted. */
export function unreadExact(entry: RoomEntry): boolean {
  return entry.membership !== null && entry.coveredFrom !== null && entry.coveredFrom <= entry.membership.readSeq;
}

/**
 * Brings the unread count up to date after a room event at `seq`: counted when every message after
 * the read marker is known; otherwise the last known count adjusted by `delta` for this event.
 */
export function updateUnread(model: Model, entry: RoomEntry, seq: number, delta: number): void {
  const membership = entry.membership;
  if (membership === null) return;
  if (unreadExact(entry)) {
    let count = 0;
    for (const { message } of entry.messages.values())
      if (countsAsUnread(message, model.me, membership.readSeq)) count++;
    entry.unread = Math.min(unreadCap, count);
  } else if (seq > entry.unreadAsOf) {
    entry.unread = Math.max(0, Math.min(unreadCap, entry.unread + delta));
  }
  entry.unreadAsOf = Math.max(entry.unreadAsOf, seq);
}

/** Whether a message counts toward the user's unread count now. */
export function isUnread(model: Model, entry: RoomEntry, message: Message): boolean {
  return entry.membership !== null && countsAsUnread(message, model.me, entry.membership.readSeq);
}

/** What a reply shows of an original with text `body`: its first 200 code points (as the server cuts it). */
export function previewOf(body: string): string {
  return Array.from(body).slice(0, 200).join('');
}

/** What a reply shows of `original`: its first 200 code points, or nothing once deleted. */
export function replyPreview(original: Message): string {
  return original.deletedAt === null ? previewOf(original.body) : '';
}

/**
 * Sets the preview in every reply to message `originalId` after the original was edited or
 * deleted. By id, because the original may be older than anything the state holds (a reply seen
 * after joining a room quotes a message from before the join).
 */
export function refreshReplies(entry: RoomEntry, originalId: string, preview: string): void {
  for (const stored of entry.messages.values()) {
    const ref = stored.message.replyTo;
    if (ref?.messageId === originalId) {
      stored.message = { ...stored.message, replyTo: { ...ref, preview } };
    }
  }
}
