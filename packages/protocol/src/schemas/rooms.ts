import { Type, type Static } from 'typebox';
import { limits } from '../limits.ts';
import { Closed, Id, Password, Timestamp } from './common.ts';
import { PublicUser } from './users.ts';

/** direct: exactly two people; group: members post; channel: owner and admins post, others read. */
export const RoomKind = Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')]);
export type RoomKind = Static<typeof RoomKind>;

/** Public rooms are listed in the directory and open to join; private ones need an invite or a code. */
export const Visibility = Type.Union([Type.Literal('public'), Type.Literal('private')]);
export type Visibility = Static<typeof Visibility>;

/** A member's role in a room. */
export const MemberRole = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);
export type MemberRole = Static<typeof MemberRole>;

const singleLine = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

/** A room's name: 1–80 characters on one line. */
export const RoomName = Type.String({ minLength: 1, maxLength: limits.roomNameMax, pattern: singleLine });
/** A room's topic: up to 500 characters. */
export const RoomTopic = Type.String({ maxLength: limits.roomTopicMax });

/** A room as its members see it. */
export const Room = Closed({
  id: Id,
  kind: RoomKind,
  name: Type.String({ description: 'Empty for direct rooms; clients show the other person.' }),
  topic: Type.String(),
  visibility: Visibility,
  hasPassword: Type.Boolean(),
  joinCode: Type.Union([Type.String(), Type.Null()], {
    description: 'Only owners and admins of a password room see it; null for everyone else.',
  }),
  ownerId: Type.Union([Id, Type.Null()]),
  memberCount: Type.Integer({ minimum: 0 }),
  lastSeq: Type.Integer({ minimum: 0, description: 'Sequence number of the room’s latest event.' }),
  createdAt: Timestamp,
});
export type Room = Static<typeof Room>;

/** The caller's membership of a room. */
export const Membership = Closed({
  role: MemberRole,
  joinedAt: Timestamp,
  readSeq: Type.Integer({ minimum: 0, description: 'The caller’s read marker: every event up to it has been seen.' }),
  mutedUntil: Type.Union([Timestamp, Type.Null()]),
});
export type Membership = Static<typeof Membership>;

/** A room in the caller's list, with what a sidebar shows. */
export const MyRoom = Closed({
  room: Room,
  membership: Membership,
  unreadCount: Type.Integer({ minimum: 0, description: 'Messages by others after the read marker (capped at 1000).' }),
  lastMessageId: Type.Union([Id, Type.Null()]),
  peer: Type.Union([PublicUser, Type.Null()], { description: 'The other person of a direct room.' }),
});
export type MyRoom = Static<typeof MyRoom>;

export const MyRoomList = Closed({ rooms: Type.Array(MyRoom) });
export type MyRoomList = Static<typeof MyRoomList>;

/** One member of a room. Read markers are shown in direct and group rooms only. */
export const Member = Closed({
  user: PublicUser,
  role: MemberRole,
  joinedAt: Timestamp,
  readSeq: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  mutedUntil: Type.Union([Timestamp, Type.Null()]),
  online: Type.Boolean(),
});
export type Member = Static<typeof Member>;

export const MemberPage = Closed({
  members: Type.Array(Member),
  nextAfter: Type.Union([Id, Type.Null()]),
});
export type MemberPage = Static<typeof MemberPage>;

/** POST /rooms: a group or a channel. A password makes it a code room. */
export const CreateRoomRequest = Closed({
  kind: Type.Union([Type.Literal('group'), Type.Literal('channel')]),
  name: RoomName,
  topic: Type.Optional(RoomTopic),
  visibility: Type.Optional(Visibility),
  password: Type.Optional(Password),
  memberIds: Type.Optional(Type.Array(Id, { maxItems: limits.inviteMax, uniqueItems: true })),
});
export type CreateRoomRequest = Static<typeof CreateRoomRequest>;

/** POST /rooms/direct: the direct room with one person, created on first use. */
export const OpenDirectRequest = Closed({ userId: Id });
export type OpenDirectRequest = Static<typeof OpenDirectRequest>;

/** PATCH /rooms/{roomId}. */
export const UpdateRoomRequest = Closed({
  name: Type.Optional(RoomName),
  topic: Type.Optional(RoomTopic),
  visibility: Type.Optional(Visibility),
});
export type UpdateRoomRequest = Static<typeof UpdateRoomRequest>;

/** PUT /rooms/{roomId}/password: set, change or (null) remove the password; the code rotates. */
export const SetRoomPasswordRequest = Closed({ password: Type.Union([Password, Type.Null()]) });
export type SetRoomPasswordRequest = Static<typeof SetRoomPasswordRequest>;

/** POST /rooms/join-by-code. */
export const JoinByCodeRequest = Closed({
  code: Type.String({ minLength: 1, maxLength: 32 }),
  password: Type.String({ minLength: 1, maxLength: limits.passwordMax }),
});
export type JoinByCodeRequest = Static<typeof JoinByCodeRequest>;

/** POST /rooms/{roomId}/members: add people. */
export const InviteRequest = Closed({
  userIds: Type.Array(Id, { minItems: 1, maxItems: limits.inviteMax, uniqueItems: true }),
});
export type InviteRequest = Static<typeof InviteRequest>;

/** PATCH /rooms/{roomId}/members/{userId}: role and mute. */
export const UpdateMemberRequest = Closed({
  role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')])),
  mutedForMinutes: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 525_600 }), Type.Null()], { description: 'null unmutes.' }),
  ),
});
export type UpdateMemberRequest = Static<typeof UpdateMemberRequest>;

/** POST /rooms/{roomId}/transfer. */
export const TransferOwnershipRequest = Closed({ userId: Id });
export type TransferOwnershipRequest = Static<typeof TransferOwnershipRequest>;

export const RoomIdParams = Closed({ roomId: Id });
export type RoomIdParams = Static<typeof RoomIdParams>;
export const RoomMemberParams = Closed({ roomId: Id, userId: Id });
export type RoomMemberParams = Static<typeof RoomMemberParams>;

export const MemberListQuery = Closed({
  after: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.pageMax, default: 100 })),
});
export type MemberListQuery = Static<typeof MemberListQuery>;

/** GET /rooms/directory: public rooms, by name. */
export const DirectoryQuery = Closed({
  q: Type.Optional(Type.String({ maxLength: limits.searchQueryMax })),
  after: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.pageMax, default: 50 })),
});
export type DirectoryQuery = Static<typeof DirectoryQuery>;

export const RoomPage = Closed({ rooms: Type.Array(Room), nextAfter: Type.Union([Id, Type.Null()]) });
export type RoomPage = Static<typeof RoomPage>;
