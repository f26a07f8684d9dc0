import type { Member, MemberRole, Membership, MyRoom, PublicUser, Room } from '@natter/protocol';
import type { MemberRecord, MyRoomRecord, RoomRecord } from '../../ports/index.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** True for roles that administer a room. */
export function isAdminRole(role: MemberRole | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** A room as a member with `viewerRole` sees it; only owners and admins see the join code. */
export function toRoom(room: RoomRecord, viewerRole: MemberRole | undefined): Room {
  return {
    id: room.id,
    kind: room.kind,
    name: room.name,
    topic: room.topic,
    visibility: room.visibility,
    hasPassword: room.passwordHash !== null,
    joinCode: isAdminRole(viewerRole) ? room.joinCode : null,
    ownerId: room.ownerId,
    memberCount: room.memberCount,
    lastSeq: room.lastSeq,
    createdAt: iso(room.createdAt),
  };
}

/** The caller's own membership. */
export function toMembership(member: MemberRecord): Membership {
  return {
    role: member.role,
    joinedAt: iso(member.joinedAt),
    readSeq: member.readSeq,
    mutedUntil: member.mutedUntil === null ? null : iso(member.mutedUntil),
  };
}

/** A room in the caller's list. */
export function toMyRoom(record: MyRoomRecord, peer: PublicUser | null): MyRoom {
  return {
    room: toRoom(record.room, record.member.role),
    membership: toMembership(record.member),
    unreadCount: record.unread,
    lastMessageId: record.lastMessageId,
    peer,
  };
}

/** A member as others see them. Read markers are private in channels. */
export function toMember(member: MemberRecord, user: PublicUser, room: RoomRecord, online: boolean): Member {
  return {
    user,
    role: member.role,
    joinedAt: iso(member.joinedAt),
    readSeq: room.kind === 'channel' ? null : member.readSeq,
    mutedUntil: member.mutedUntil === null ? null : iso(member.mutedUntil),
    online,
  };
}

/** Whether `actor` outranks `target`: owners over admins and members, admins over members. */
export function outranks(actor: MemberRole, target: MemberRole): boolean {
  const rank: Record<MemberRole, number> = { owner: 3, admin: 2, member: 1 };
  return rank[actor] > rank[target];
}
