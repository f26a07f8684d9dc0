import { randomInt } from 'node:crypto';
import {
  joinCodeAlphabet,
  limits,
  type CreateRoomRequest,
  type MyRoom,
  type Room,
  type RoomPage,
  type UpdateRoomRequest,
} from '@natter/protocol';
import type { MyRoomRecord, RoomRecord } from '../../ports/index.ts';
import { directKeyOf } from '../../lib/direct-key.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { fail } from '../app-error.ts';
import type { Caller } from '../auth/auth-context.ts';
import { hashPassword } from '../auth/passwords.ts';
import { unreadCap, type ChatDeps } from '../chat-deps.ts';
import { profileOr, publicUsers } from '../users/user-lookup.ts';
import { liveRoom, requireAdmin, requireMember, requireNotDirect } from './room-access.ts';
import { toMyRoom, toRoom } from './room-views.ts';
import type { MembershipService } from './membership.service.ts';

/** A new join code: 10 characters of an unambiguous alphabet, about 49 bits. */
export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < limits.joinCodeLength; i++) code += joinCodeAlphabet.charAt(randomInt(joinCodeAlphabet.length));
  return code;
}

/** Rooms: creating, listing, settings, deletion. */
export class RoomService {
  readonly #d: ChatDeps;
  readonly #members: MembershipService;

  constructor(deps: ChatDeps, members: MembershipService) {
    this.#d = deps;
    this.#members = members;
  }

  /** The caller's rooms with unread counts, most recently active first. */
  async list(caller: Caller): Promise<MyRoom[]> {
    const records = await this.#d.storage.rooms.myRooms(caller.userId, unreadCap);
    return this.#present(records);
  }

  /** One of the caller's rooms. */
  async get(caller: Caller, roomId: string): Promise<MyRoom> {
    await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    const record = await this.#d.storage.rooms.myRoom(caller.userId, roomId, unreadCap);
    if (!record) throw fail('room_not_found', 'No such room.');
    const [room] = await this.#present([record]);
    if (!room) throw fail('room_not_found', 'No such room.');
    return room;
  }

  /** Creates a group or channel owned by the caller, then adds the people named. */
  async create(caller: Caller, input: CreateRoomRequest): Promise<MyRoom> {
    const { storage, committer, clock } = this.#d;
    const me = await publicUsers(storage.users, [caller.userId]);
    const now = clock.now();
    const room: Omit<RoomRecord, 'memberCount' | 'lastSeq' | 'deletedAt'> = {
      id: uuidv7(now),
      kind: input.kind,
      name: input.name.trim(),
      topic: input.topic ?? '',
      visibility: input.visibility ?? 'private',
      ownerId: caller.userId,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
      joinCode: input.password === undefined ? null : newJoinCode(),
      directKey: null,
      createdAt: now,
    };
    await committer.commit({
      require: [],
      changes: [
        { op: 'room.create', room },
        { op: 'member.add', roomId: room.id, userId: caller.userId, role: 'owner', at: now },
      ],
      events: [
        {
          stream: { room: room.id },
          type: 'room.created',
          actorId: caller.userId,
          data: { ...createdData(room), members: [{ user: profileOr(me, caller.userId), role: 'owner' }] },
        },
        {
          stream: { user: caller.userId },
          type: 'room.joined',
          actorId: caller.userId,
          data: { roomId: room.id, role: 'owner' },
          roomSeqField: 'seq',
        },
      ],
      at: now,
    });
    if (input.memberIds && input.memberIds.length > 0) {
      await this.#members.invite(
        caller,
        room.id,
        input.memberIds.filter((id) => id !== caller.userId),
      );
    }
    return this.get(caller, room.id);
  }

  /** The direct room with `userId`, created on first use. Refused when either has blocked the other. */
  async openDirect(caller: Caller, userId: string): Promise<MyRoom> {
    const { storage, committer, clock } = this.#d;
    if (userId === caller.userId) throw fail('invalid_target', 'A direct room needs another person.');
    const other = await storage.users.findById(userId);
    if (!other || other.disabled) throw fail('user_not_found', 'No such user.');
    if (
      (await storage.people.hasBlocked(userId, caller.userId)) ||
      (await storage.people.hasBlocked(caller.userId, userId))
    ) {
      throw fail('user_unavailable', 'You cannot message this person.');
    }
    const directKey = directKeyOf(caller.userId, userId);
    const existing = await storage.rooms.directRoom(directKey);
    if (existing) return this.get(caller, existing.id);
    const now = clock.now();
    const room: Omit<RoomRecord, 'memberCount' | 'lastSeq' | 'deletedAt'> = {
      id: uuidv7(now),
      kind: 'direct',
      name: '',
      topic: '',
      visibility: 'private',
      ownerId: null,
      passwordHash: null,
      joinCode: null,
      directKey,
      createdAt: now,
    };
    const people = await publicUsers(storage.users, [caller.userId, userId]);
    try {
      await committer.commit({
        require: [],
        changes: [
          { op: 'room.create', room },
          { op: 'member.add', roomId: room.id, userId: caller.userId, role: 'member', at: now },
          { op: 'member.add', roomId: room.id, userId, role: 'member', at: now },
        ],
        events: [
          {
            stream: { room: room.id },
            type: 'room.created',
            actorId: caller.userId,
            data: {
              ...createdData(room),
              members: [caller.userId, userId].map((id) => ({ user: profileOr(people, id), role: 'member' })),
            },
          },
          ...[caller.userId, userId].map((id) => ({
            stream: { user: id },
            type: 'room.joined',
            actorId: caller.userId,
            data: { roomId: room.id, role: 'member' },
            roomSeqField: 'seq',
          })),
        ],
        at: now,
      });
    } catch (error) {
      // Both people opened the room at the same moment: the other write created it.
      const raced = await storage.rooms.directRoom(directKey);
      if (!raced) throw error;
      return this.get(caller, raced.id);
    }
    return this.get(caller, room.id);
  }

  /** Public groups and channels whose name contains `query`. */
  async directory(query: string, after: string | undefined, limit: number): Promise<RoomPage> {
    const rooms = await this.#d.storage.rooms.directory({
      query: query.trim(),
      limit: limit + 1,
      ...(after === undefined ? {} : { after }),
    });
    const page = rooms.slice(0, limit);
    return {
      rooms: page.map((r) => toRoom(r, undefined)),
      nextAfter: rooms.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** Renames, sets the topic or the visibility (owner and admins). */
  async update(caller: Caller, roomId: string, patch: UpdateRoomRequest): Promise<Room> {
    const { room } = await requireAdmin(this.#d.storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    const next = {
      name: patch.name?.trim() ?? room.name,
      topic: patch.topic ?? room.topic,
      visibility: patch.visibility ?? room.visibility,
    };
    await this.#settingsChanged(caller, room, next, {});
    return toRoom(await liveRoom(this.#d.storage.rooms, roomId), 'admin');
  }

  /** Sets, changes or removes the password (owner); the join code rotates with it. */
  async setPassword(caller: Caller, roomId: string, password: string | null): Promise<Room> {
    const { room, member } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    if (member.role !== 'owner') throw fail('forbidden', 'Only the owner sets the room password.');
    const secret =
      password === null
        ? { passwordHash: null, joinCode: null }
        : { passwordHash: await hashPassword(password), joinCode: newJoinCode() };
    await this.#settingsChanged(
      caller,
      room,
      { name: room.name, topic: room.topic, visibility: room.visibility },
      secret,
    );
    return toRoom(await liveRoom(this.#d.storage.rooms, roomId), 'owner');
  }

  /** Deletes the room (owner). Every member gets the room.deleted event and their membership ends. */
  async delete(caller: Caller, roomId: string): Promise<void> {
    const { room, member } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    if (member.role !== 'owner') throw fail('forbidden', 'Only the owner deletes the room.');
    const memberIds = await this.#d.storage.rooms.memberIds(roomId);
    const now = this.#d.clock.now();
    await this.#d.committer.commit({
      require: [{ check: 'role', roomId, userId: caller.userId, atLeast: 'owner' }],
      changes: [{ op: 'room.delete', roomId, at: now }],
      events: [
        { stream: { room: roomId }, type: 'room.deleted', actorId: caller.userId, data: {} },
        ...memberIds.map((id) => ({
          stream: { user: id },
          type: 'room.left',
          actorId: caller.userId,
          data: { roomId, reason: 'deleted' },
          roomSeqField: 'seq',
        })),
      ],
      at: now,
    });
  }

  async #settingsChanged(
    caller: Caller,
    room: RoomRecord,
    next: { name: string; topic: string; visibility: 'public' | 'private' },
    secret: { passwordHash?: string | null; joinCode?: string | null },
  ): Promise<void> {
    const hasPassword = secret.passwordHash === undefined ? room.passwordHash !== null : secret.passwordHash !== null;
    await this.#d.committer.commit({
      require: [{ check: 'role', roomId: room.id, userId: caller.userId, atLeast: 'admin' }],
      changes: [{ op: 'room.update', roomId: room.id, patch: { ...next, ...secret } }],
      events: [
        { stream: { room: room.id }, type: 'room.updated', actorId: caller.userId, data: { ...next, hasPassword } },
      ],
      at: this.#d.clock.now(),
    });
  }

  async #present(records: MyRoomRecord[]): Promise<MyRoom[]> {
    const peers = await publicUsers(
      this.#d.storage.users,
      records.flatMap((r) => (r.peerId === null ? [] : [r.peerId])),
    );
    return records.map((r) => toMyRoom(r, r.peerId === null ? null : profileOr(peers, r.peerId)));
  }
}

function createdData(room: Omit<RoomRecord, 'memberCount' | 'lastSeq' | 'deletedAt'>) {
  return {
    kind: room.kind,
    name: room.name,
    topic: room.topic,
    visibility: room.visibility,
    hasPassword: room.passwordHash !== null,
  };
}
