import type { Member, MemberPage, MemberRole, MyRoom, PublicUser, UpdateMemberRequest } from '@natter/protocol';
import type { Requirement, RoomRecord, Write } from '../../ports/index.ts';
import { fail } from '../app-error.ts';
import type { Caller } from '../auth/auth-context.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { BackoffThrottle, joinRules } from '../auth/throttle.ts';
import type { ChatDeps } from '../chat-deps.ts';
import { requirementError } from '../sync/committer.ts';
import { profileOr, publicUsers } from '../users/user-lookup.ts';
import { liveRoom, requireAdmin, requireMember, requireNotDirect } from './room-access.ts';
import { outranks, toMember } from './room-views.ts';

type LeaveReason = 'left' | 'kicked' | 'banned';

/** Joining, leaving, inviting, roles, mutes, kicks, bans and ownership. */
export class MembershipService {
  readonly #d: ChatDeps;
  readonly #joinThrottle: BackoffThrottle;
  /** Set after construction: a joined room is presented by the room service. */
  getRoom: (caller: Caller, roomId: string) => Promise<MyRoom> = () => Promise.reject(new Error('not wired'));

  constructor(deps: ChatDeps) {
    this.#d = deps;
    this.#joinThrottle = new BackoffThrottle(deps.storage.attempts, 'Too many wrong join codes or passwords.');
  }

  #cap(room: RoomRecord): number {
    return room.kind === 'channel' ? this.#d.limits.channelMemberCap : this.#d.limits.groupMemberCap;
  }

  /** A write that makes `userId` a member, with the events everyone concerned hears. */
  #joinWrite(
    room: RoomRecord,
    user: PublicUser,
    role: MemberRole,
    invitedBy: string | null,
    extra: Requirement[],
  ): Write {
    const now = this.#d.clock.now();
    return {
      require: [
        { check: 'room.live', roomId: room.id },
        { check: 'not.banned', roomId: room.id, userId: user.id },
        { check: 'not.member', roomId: room.id, userId: user.id },
        { check: 'capacity', roomId: room.id, max: this.#cap(room) },
        ...extra,
      ],
      changes: [{ op: 'member.add', roomId: room.id, userId: user.id, role, at: now }],
      events: [
        {
          stream: { room: room.id },
          type: 'member.joined',
          actorId: invitedBy ?? user.id,
          data: { user, role, invitedBy },
        },
        {
          stream: { user: user.id },
          type: 'room.joined',
          actorId: invitedBy ?? user.id,
          data: { roomId: room.id, role },
          roomSeqField: 'seq',
        },
      ],
      at: now,
    };
  }

  /** Commits a join; joining a room one is already in is not an error. */
  async #join(caller: Caller, room: RoomRecord, extra: Requirement[] = []): Promise<MyRoom> {
    const me = profileOr(await publicUsers(this.#d.storage.users, [caller.userId]), caller.userId);
    const result = await this.#d.committer.submit(this.#joinWrite(room, me, 'member', null, extra));
    if (!result.ok && result.code !== 'already_member') throw requirementError(result.code);
    return this.getRoom(caller, room.id);
  }

  /** Joins a public group or channel. */
  async join(caller: Caller, roomId: string): Promise<MyRoom> {
    const room = await liveRoom(this.#d.storage.rooms, roomId);
    if (room.kind === 'direct' || room.visibility !== 'public') throw fail('room_not_found', 'No such room.');
    return this.#join(caller, room);
  }

  /** Joins a password room with its code and password; wrong guesses slow down per user and per room. */
  async joinByCode(caller: Caller, code: string, password: string): Promise<MyRoom> {
    const { storage, clock } = this.#d;
    const userKey = [`join:user:${caller.userId}`, joinRules.user] as const;
    await this.#joinThrottle.check([userKey], clock.now());
    const room = await storage.rooms.roomByCode(code.trim().toUpperCase());
    // A wrong code counts against the guesser only: a shared key for unknown codes would let
    // strangers' typos throttle everyone.
    const keys = room ? [userKey, [`join:room:${room.id}`, joinRules.room] as const] : [userKey];
    await this.#joinThrottle.check(keys, clock.now());
    const ok = room?.passwordHash ? await verifyPassword(room.passwordHash, password) : false;
    if (!room || !ok) {
      await this.#joinThrottle.failed(keys, clock.now());
      throw fail('join_failed', 'The join code or the password is wrong.');
    }
    await this.#joinThrottle.clear([userKey[0]]);
    return this.#join(caller, room);
  }

  /** Adds people to a group or channel; returns who was added (members already in are skipped). */
  async invite(caller: Caller, roomId: string, userIds: readonly string[]): Promise<string[]> {
    const { storage, committer } = this.#d;
    const { room, member } = await requireMember(storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    const open = room.kind === 'group' && room.visibility === 'public';
    if (!open && member.role === 'member') throw fail('forbidden', 'Only the owner and admins invite here.');
    const people = await publicUsers(storage.users, userIds);
    const added: string[] = [];
    for (const id of userIds) {
      const person = people.get(id);
      const target = person ? await storage.users.findById(id) : undefined;
      if (!person || !target || target.disabled) throw fail('user_not_found', `No such user: ${id}.`);
      // Someone who blocked the inviter is silently left out: telling would reveal the block.
      if (await storage.people.hasBlocked(id, caller.userId)) continue;
      const authority: Requirement = open
        ? { check: 'member', roomId, userId: caller.userId }
        : { check: 'role', roomId, userId: caller.userId, atLeast: 'admin' };
      const result = await committer.submit(this.#joinWrite(room, person, 'member', caller.userId, [authority]));
      if (result.ok) added.push(id);
      else if (result.code !== 'already_member' && result.code !== 'banned') throw requirementError(result.code);
    }
    return added;
  }

  /** Leaves a room. The owner must hand the room over or delete it first; direct rooms cannot be left. */
  async leave(caller: Caller, roomId: string): Promise<void> {
    const { room, member } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    if (member.role === 'owner') throw fail('owner_cannot_leave', 'Transfer ownership or delete the room first.');
    await this.#remove(caller, room, caller.userId, 'left', []);
  }

  /** Removes a member of lower rank. */
  async kick(caller: Caller, roomId: string, userId: string): Promise<void> {
    const { room, target } = await this.#overLowerRank(caller, roomId, userId);
    if (!target) throw fail('not_in_room', 'That person is not a member.');
    await this.#remove(caller, room, userId, 'kicked', [
      { check: 'role', roomId, userId: caller.userId, atLeast: 'admin' },
    ]);
  }

  /** Bans someone (a member of lower rank, or anyone not in the room) and removes them. */
  async ban(caller: Caller, roomId: string, userId: string): Promise<void> {
    const { room, target } = await this.#overLowerRank(caller, roomId, userId);
    if (!(await this.#d.storage.users.findById(userId))) throw fail('user_not_found', 'No such user.');
    const now = this.#d.clock.now();
    const ban = { op: 'ban.add', roomId, userId, by: caller.userId, at: now } as const;
    const authority: Requirement = { check: 'role', roomId, userId: caller.userId, atLeast: 'admin' };
    if (target) {
      await this.#remove(caller, room, userId, 'banned', [authority], [ban]);
    } else if (!(await this.#d.storage.rooms.isBanned(roomId, userId))) {
      await this.#d.committer.commit({ require: [authority], changes: [ban], events: [], at: now });
    }
  }

  /** Lifts a ban. */
  async unban(caller: Caller, roomId: string, userId: string): Promise<void> {
    const { room } = await requireAdmin(this.#d.storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    if (!(await this.#d.storage.rooms.isBanned(roomId, userId))) return;
    await this.#d.committer.commit({
      require: [{ check: 'role', roomId, userId: caller.userId, atLeast: 'admin' }],
      changes: [{ op: 'ban.remove', roomId, userId }],
      events: [{ stream: { room: roomId }, type: 'member.unbanned', actorId: caller.userId, data: { userId } }],
      at: this.#d.clock.now(),
    });
  }

  /** Who is banned (owner and admins). */
  async bans(caller: Caller, roomId: string): Promise<PublicUser[]> {
    await requireAdmin(this.#d.storage.rooms, roomId, caller.userId);
    const ids = await this.#d.storage.rooms.bans(roomId);
    const people = await publicUsers(this.#d.storage.users, ids);
    return ids.map((id) => profileOr(people, id));
  }

  /** Changes a member's role (owner only) or mutes them (owner and admins, over lower ranks). */
  async update(caller: Caller, roomId: string, userId: string, change: UpdateMemberRequest): Promise<Member> {
    const { room, me, target } = await this.#overLowerRank(caller, roomId, userId);
    if (!target) throw fail('not_in_room', 'That person is not a member.');
    if (change.role !== undefined && me.role !== 'owner') throw fail('forbidden', 'Only the owner changes roles.');
    const now = this.#d.clock.now();
    const role = change.role ?? target.role;
    const mutedUntil =
      change.mutedForMinutes === undefined
        ? target.mutedUntil
        : change.mutedForMinutes === null
          ? null
          : now + change.mutedForMinutes * 60_000;
    await this.#d.committer.commit({
      require: [
        { check: 'member', roomId, userId },
        { check: 'role', roomId, userId: caller.userId, atLeast: change.role === undefined ? 'admin' : 'owner' },
      ],
      changes: [{ op: 'member.update', roomId, userId, role, mutedUntil }],
      events: [
        {
          stream: { room: roomId },
          type: 'member.updated',
          actorId: caller.userId,
          data: { userId, role, mutedUntil: mutedUntil === null ? null : new Date(mutedUntil).toISOString() },
        },
      ],
      at: now,
    });
    const updated = await this.#d.storage.rooms.member(roomId, userId);
    if (!updated) throw fail('not_in_room', 'That person is not a member.');
    const people = await publicUsers(this.#d.storage.users, [userId]);
    return toMember(updated, profileOr(people, userId), room, await this.#seesOnline(caller.userId, userId));
  }

  /** Makes another member the owner; the caller becomes an admin. */
  async transfer(caller: Caller, roomId: string, userId: string): Promise<void> {
    const { room, member } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    if (member.role !== 'owner') throw fail('forbidden', 'Only the owner transfers ownership.');
    if (userId === caller.userId) throw fail('invalid_target', 'You own the room already.');
    if (!(await this.#d.storage.rooms.member(roomId, userId)))
      throw fail('not_in_room', 'That person is not a member.');
    await this.#d.committer.commit({
      require: [
        { check: 'role', roomId, userId: caller.userId, atLeast: 'owner' },
        { check: 'member', roomId, userId },
      ],
      changes: [
        { op: 'member.update', roomId, userId: caller.userId, role: 'admin' },
        { op: 'member.update', roomId, userId, role: 'owner' },
        { op: 'room.update', roomId, patch: { ownerId: userId } },
      ],
      events: [
        {
          stream: { room: roomId },
          type: 'room.owner_changed',
          actorId: caller.userId,
          data: { from: caller.userId, to: userId },
        },
      ],
      at: this.#d.clock.now(),
    });
  }

  /**
   * Ends every membership of an account about to be deleted: an owner hands each room to its
   * longest-standing admin (else member) or deletes it when alone, then everyone sees them leave.
   */
  async departAll(userId: string): Promise<void> {
    const { storage } = this.#d;
    const self: Caller = { userId, sessionId: '', role: 'user' };
    for (const { room, member } of await storage.rooms.myRooms(userId, 0)) {
      if (member.role === 'owner') {
        const others = (await storage.rooms.members(room.id, { limit: 1000 })).filter((m) => m.userId !== userId);
        others.sort((a, b) => Number(b.role === 'admin') - Number(a.role === 'admin') || a.joinedSeq - b.joinedSeq);
        const heir = others[0];
        if (!heir) {
          await this.#d.committer.commit({
            require: [],
            changes: [{ op: 'room.delete', roomId: room.id, at: this.#d.clock.now() }],
            events: [
              { stream: { room: room.id }, type: 'room.deleted', actorId: userId, data: {} },
              {
                stream: { user: userId },
                type: 'room.left',
                actorId: userId,
                data: { roomId: room.id, reason: 'deleted' },
                roomSeqField: 'seq',
              },
            ],
            at: this.#d.clock.now(),
          });
          continue;
        }
        await this.transfer(self, room.id, heir.userId);
      }
      await this.#remove(self, room, userId, 'left', []);
    }
  }

  /** Members with roles and presence, by user id. */
  async list(caller: Caller, roomId: string, after: string | undefined, limit: number): Promise<MemberPage> {
    const { room } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    const rows = await this.#d.storage.rooms.members(roomId, {
      limit: limit + 1,
      ...(after === undefined ? {} : { after }),
    });
    const page = rows.slice(0, limit);
    const people = await publicUsers(
      this.#d.storage.users,
      page.map((m) => m.userId),
    );
    const online = await Promise.all(page.map((m) => this.#seesOnline(caller.userId, m.userId)));
    return {
      members: page.map((m, i) => toMember(m, profileOr(people, m.userId), room, online[i] === true)),
      nextAfter: rows.length > limit ? (page.at(-1)?.userId ?? null) : null,
    };
  }

  /** Whether `viewerId` is shown `userId` online: never when `userId` blocked the viewer, as in presence.watch. */
  async #seesOnline(viewerId: string, userId: string): Promise<boolean> {
    return this.#d.presence.isOnline(userId) && !(await this.#d.storage.people.hasBlocked(userId, viewerId));
  }

  async #overLowerRank(caller: Caller, roomId: string, userId: string) {
    const { room, member: me } = await requireAdmin(this.#d.storage.rooms, roomId, caller.userId);
    requireNotDirect(room);
    if (userId === caller.userId) throw fail('invalid_target', 'You cannot do this to yourself.');
    const target = await this.#d.storage.rooms.member(roomId, userId);
    if (target && !outranks(me.role, target.role))
      throw fail('forbidden', 'You can only act on members of lower rank.');
    return { room, me, target };
  }

  async #remove(
    caller: Caller,
    room: RoomRecord,
    userId: string,
    reason: LeaveReason,
    require: Requirement[],
    extra: Write['changes'] = [],
  ): Promise<void> {
    await this.#d.committer.commit({
      require: [{ check: 'member', roomId: room.id, userId }, ...require],
      changes: [{ op: 'member.remove', roomId: room.id, userId }, ...extra],
      events: [
        { stream: { room: room.id }, type: 'member.left', actorId: caller.userId, data: { userId, reason } },
        {
          stream: { user: userId },
          type: 'room.left',
          actorId: caller.userId,
          data: { roomId: room.id, reason },
          roomSeqField: 'seq',
        },
      ],
      at: this.#d.clock.now(),
    });
  }
}
