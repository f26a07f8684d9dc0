import { Type, type Static, type TProperties } from 'typebox';
import { limits } from '../limits.ts';
import { Closed, Id, Timestamp } from './common.ts';
import { Emoji, Message } from './messages.ts';
import { MemberRole, Room, RoomKind, Visibility } from './rooms.ts';
import { PublicUser } from './users.ts';

function roomEvent<T extends string, D extends TProperties>(type: T, data: D, description: string) {
  return Closed(
    {
      stream: Type.Literal('room'),
      roomId: Id,
      seq: Type.Integer({ minimum: 1 }),
      type: Type.Literal(type),
      actorId: Type.Union([Id, Type.Null()]),
      at: Timestamp,
      data: Closed(data),
    },
    { description },
  );
}

function userEvent<T extends string, D extends TProperties>(type: T, data: D, description: string) {
  return Closed(
    {
      stream: Type.Literal('user'),
      seq: Type.Integer({ minimum: 1 }),
      type: Type.Literal(type),
      actorId: Type.Union([Id, Type.Null()]),
      at: Timestamp,
      data: Closed(data),
    },
    { description },
  );
}

const LeaveReason = Type.Union([Type.Literal('left'), Type.Literal('kicked'), Type.Literal('banned')]);

/** Every event a room's log holds, each with the room's next sequence number. */
export const RoomEvent = Type.Union([
  roomEvent(
    'room.created',
    {
      kind: RoomKind,
      name: Type.String(),
      topic: Type.String(),
      visibility: Visibility,
      hasPassword: Type.Boolean(),
      members: Type.Array(Closed({ user: PublicUser, role: MemberRole })),
    },
    'The room’s first event: its settings and first members (both people of a direct room).',
  ),
  roomEvent('message.created', { message: Message }, 'A message was sent.'),
  roomEvent(
    'message.edited',
    { messageId: Id, body: Type.String(), mentions: Type.Array(Id), editedAt: Timestamp },
    'A message’s text changed.',
  ),
  roomEvent('message.deleted', { messageId: Id, deletedAt: Timestamp }, 'A message was deleted; keep a tombstone.'),
  roomEvent('reaction.added', { messageId: Id, emoji: Emoji, userId: Id }, 'Someone reacted.'),
  roomEvent('reaction.removed', { messageId: Id, emoji: Emoji, userId: Id }, 'Someone took a reaction back.'),
  roomEvent(
    'read.updated',
    { userId: Id, seq: Type.Integer({ minimum: 0 }) },
    'A member’s read marker moved (direct and group rooms only).',
  ),
  roomEvent(
    'member.joined',
    { user: PublicUser, role: MemberRole, invitedBy: Type.Union([Id, Type.Null()]) },
    'Someone became a member.',
  ),
  roomEvent(
    'member.left',
    { userId: Id, reason: LeaveReason },
    'Someone stopped being a member: left, kicked, or banned (actorId says by whom).',
  ),
  roomEvent(
    'member.updated',
    { userId: Id, role: MemberRole, mutedUntil: Type.Union([Timestamp, Type.Null()]) },
    'A member’s role or mute changed.',
  ),
  roomEvent('member.unbanned', { userId: Id }, 'A ban was lifted; the person may join again.'),
  roomEvent(
    'room.updated',
    { name: Type.String(), topic: Type.String(), visibility: Visibility, hasPassword: Type.Boolean() },
    'The room’s settings as they are now.',
  ),
  roomEvent('room.owner_changed', { from: Id, to: Id }, 'Ownership moved; the previous owner is now an admin.'),
  roomEvent('room.deleted', {}, 'The owner deleted the room; every membership ends with this event.'),
]);
export type RoomEvent = Static<typeof RoomEvent>;

const RoomLeaveReason = Type.Union([LeaveReason, Type.Literal('deleted')]);

/** Events only the user concerned (on every device) receives, with the user's next sequence number. */
export const UserEvent = Type.Union([
  userEvent('contact.requested', { from: PublicUser, to: PublicUser }, 'A contact request was sent.'),
  userEvent(
    'contact.request_ended',
    { fromId: Id, toId: Id, reason: Type.Union([Type.Literal('rejected'), Type.Literal('cancelled')]) },
    'A pending request was rejected or cancelled.',
  ),
  userEvent('contact.added', { user: PublicUser }, 'A request was accepted: you are contacts now.'),
  userEvent('contact.removed', { userId: Id }, 'A contact was removed (by either side).'),
  userEvent('follow.added', { follower: PublicUser, followee: PublicUser }, 'Someone followed someone.'),
  userEvent('follow.removed', { followerId: Id, followeeId: Id }, 'A follow ended.'),
  userEvent('block.added', { userId: Id }, 'You blocked someone.'),
  userEvent('block.removed', { userId: Id }, 'You unblocked someone.'),
  userEvent(
    'room.joined',
    { roomId: Id, role: MemberRole, seq: Type.Integer({ minimum: 1 }) },
    'You became a member of a room at this room sequence number.',
  ),
  userEvent(
    'room.left',
    { roomId: Id, reason: RoomLeaveReason, seq: Type.Integer({ minimum: 1 }) },
    'Your membership ended at this room sequence number.',
  ),
  userEvent('read.updated', { roomId: Id, seq: Type.Integer({ minimum: 0 }) }, 'Your read marker moved.'),
  userEvent(
    'mention',
    { roomId: Id, messageId: Id, seq: Type.Integer({ minimum: 1 }) },
    'Someone mentioned you (actorId).',
  ),
]);
export type UserEvent = Static<typeof UserEvent>;

/** Any logged event. */
export type AnyEvent = RoomEvent | UserEvent;

/** Where a client is: its position in its own stream and in each room it follows. */
export const Cursor = Closed({
  user: Type.Integer({ minimum: 0 }),
  rooms: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Integer({ minimum: 0 }), {
    maxProperties: limits.cursorRoomsMax,
  }),
});
export type Cursor = Static<typeof Cursor>;

/** POST /sync: everything after the cursor. */
export const SyncRequest = Closed({
  cursor: Cursor,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.historyPageMax })),
});
export type SyncRequest = Static<typeof SyncRequest>;

/** What one room missed. */
export const RoomSync = Closed({
  roomId: Id,
  events: Type.Array(RoomEvent),
  limited: Type.Boolean({
    description:
      'True when more events happened than one reply carries: `events` are the latest ones, and history before the first of them fills the gap.',
  }),
  room: Type.Union([Room, Type.Null()], { description: 'The room now; null once the caller is no longer a member.' }),
});
export type RoomSync = Static<typeof RoomSync>;

/** The answer to a sync. */
export const SyncResponse = Closed({
  userEvents: Type.Array(UserEvent),
  userLimited: Type.Boolean({ description: 'True when more user events wait: sync again with the new cursor.' }),
  rooms: Type.Array(RoomSync),
  cursor: Cursor,
});
export type SyncResponse = Static<typeof SyncResponse>;
