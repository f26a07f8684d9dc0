import type { MemberRecord, PeopleReader, RoomReader, RoomRecord } from '../../ports/index.ts';
import { directPeer } from '../../lib/direct-key.ts';
import { fail } from '../app-error.ts';
import { isAdminRole } from './room-views.ts';

/** A live room and the caller's membership of it. */
export interface RoomAccess {
  room: RoomRecord;
  member: MemberRecord;
}

/** The live room, or room_not_found. */
export async function liveRoom(rooms: RoomReader, roomId: string): Promise<RoomRecord> {
  const room = await rooms.room(roomId);
  if (!room || room.deletedAt !== null) throw fail('room_not_found', 'No such room.');
  return room;
}

/**
 * The room and the caller's membership. A non-member learns that a public room exists (it is in
 * the directory anyway) but not whether a private one does.
 */
export async function requireMember(rooms: RoomReader, roomId: string, userId: string): Promise<RoomAccess> {
  const room = await liveRoom(rooms, roomId);
  const member = await rooms.member(roomId, userId);
  if (!member) {
    if (room.visibility === 'public' && room.kind !== 'direct') throw fail('not_a_member', 'Join the room first.');
    throw fail('room_not_found', 'No such room.');
  }
  return { room, member };
}

/** As requireMember, and the caller must be an owner or admin. */
export async function requireAdmin(rooms: RoomReader, roomId: string, userId: string): Promise<RoomAccess> {
  const access = await requireMember(rooms, roomId, userId);
  if (!isAdminRole(access.member.role)) throw fail('forbidden', 'Only the owner and admins may do this.');
  return access;
}

/** Group and channel rooms only: direct rooms have no settings, roles or invitations. */
export function requireNotDirect(room: RoomRecord): void {
  if (room.kind === 'direct') throw fail('forbidden', 'Direct rooms cannot be changed this way.');
}

/**
 * In a direct room whose other person has blocked the caller, refuses what would reach them: a
 * message, an edit, a reaction, a typing notice. The block hides no history; it stops new contact.
 */
export async function refuseBlockedPeer(people: PeopleReader, room: RoomRecord, callerId: string): Promise<void> {
  if (room.kind !== 'direct' || room.directKey === null) return;
  const peer = directPeer(room.directKey, callerId);
  if (peer !== undefined && (await people.hasBlocked(peer, callerId))) {
    throw fail('user_unavailable', 'You cannot message this person.');
  }
}
