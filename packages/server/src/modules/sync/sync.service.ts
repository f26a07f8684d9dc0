import type { Cursor, RoomEvent, RoomSync, SyncRequest, SyncResponse, UserEvent } from '@natter/protocol';
import type { SyncRoomRecord } from '../../ports/index.ts';
import type { Caller } from '../auth/auth-context.ts';
import type { ChatDeps } from '../chat-deps.ts';
import { toRoom } from '../rooms/room-views.ts';
import { toWire } from './wire.ts';

/** What one room contributes to a sync, before presentation. */
interface RoomPlan {
  record: SyncRoomRecord;
  /** Events after this seq are candidates. */
  after: number;
  /** ...through this one (the end of a membership that ended). */
  through: number;
  /** The client's position had a hole (it left and came back): the reply must say limited. */
  holed: boolean;
}

/**
 * The sync contract: given a cursor, exactly the events the client missed, in order per stream,
 * and nothing from a room after the caller's membership of it ended. A room whose gap is larger
 * than one reply carries is marked limited and gets its latest events; history fills the rest.
 */
export class SyncService {
  readonly #d: ChatDeps;
  constructor(deps: ChatDeps) {
    this.#d = deps;
  }

  /** Runs a sync; also returns the rooms the caller is in now, for a realtime connection to follow. */
  async sync(caller: Caller, request: SyncRequest): Promise<{ response: SyncResponse; memberRoomIds: string[] }> {
    const { storage } = this.#d;
    const limit = Math.min(request.limit ?? this.#d.limits.syncLimit, this.#d.limits.syncLimit);
    const userRows = await storage.log.userEvents(caller.userId, request.cursor.user, limit + 1);
    const userLimited = userRows.length > limit;
    const userEvents = userRows.slice(0, limit).map((e) => toWire(e) as UserEvent);

    const memberships = await storage.rooms.syncRooms(caller.userId);
    const plans = memberships.flatMap((r) => plan(r, request.cursor.rooms[r.roomId]));
    const rooms = await Promise.all(plans.map((p) => this.#roomSync(caller, p, limit)));

    const cursor: Cursor = { user: userEvents.at(-1)?.seq ?? request.cursor.user, rooms: {} };
    const memberRoomIds: string[] = [];
    for (const m of memberships) {
      if (m.leftSeq !== null) continue;
      memberRoomIds.push(m.roomId);
      const given = request.cursor.rooms[m.roomId];
      // A position past the room's end (a confused client) is pulled back, so nothing is skipped.
      cursor.rooms[m.roomId] =
        given === undefined ? m.joinedSeq - 1 : Math.min(Math.max(given, m.joinedSeq - 1), m.lastSeq);
    }
    for (const room of rooms) {
      const last = room.events.at(-1)?.seq;
      if (last !== undefined && room.room !== null) cursor.rooms[room.roomId] = last;
    }
    return {
      response: { userEvents, userLimited, rooms: rooms.filter((r) => r.events.length > 0 || r.room !== null), cursor },
      memberRoomIds,
    };
  }

  async #roomSync(caller: Caller, p: RoomPlan, limit: number): Promise<RoomSync> {
    const { storage } = this.#d;
    const rows =
      p.through > p.after ? await storage.log.latestRoomEvents(p.record.roomId, p.after, limit + 1, p.through) : [];
    const limited = rows.length > limit || p.holed;
    const events = rows.slice(rows.length > limit ? 1 : 0).map((e) => toWire(e) as RoomEvent);
    const current = p.record.leftSeq === null;
    let room = null;
    if (current) {
      const [record, member] = await Promise.all([
        storage.rooms.room(p.record.roomId),
        storage.rooms.member(p.record.roomId, caller.userId),
      ]);
      if (record && record.deletedAt === null) room = toRoom(record, member?.role);
    }
    return { roomId: p.record.roomId, events, limited, room };
  }

  /** A room's events with seq in (afterSeq, throughSeq], as wire events (gap filling). */
  async roomEvents(roomId: string, afterSeq: number, throughSeq: number): Promise<RoomEvent[]> {
    const rows = await this.#d.storage.log.roomEvents(roomId, afterSeq, Math.max(0, throughSeq - afterSeq), throughSeq);
    return rows.map((e) => toWire(e) as RoomEvent);
  }

  /** A user's events after `afterSeq`, as wire events (gap filling). */
  async userEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]> {
    return (await this.#d.storage.log.userEvents(userId, afterSeq, limit)).map((e) => toWire(e) as UserEvent);
  }
}

/**
 * Which part of a room's log the client is owed. A current membership: everything after the
 * client's position, or from the start of the membership for a room the client does not know. A
 * membership that ended: what the client had not seen up to its end, and nothing after.
 */
function plan(record: SyncRoomRecord, position: number | undefined): RoomPlan[] {
  const start = record.joinedSeq - 1;
  if (record.leftSeq !== null) {
    if (position === undefined || position >= record.leftSeq) return [];
    return [{ record, after: Math.max(position, start), through: record.leftSeq, holed: position < start }];
  }
  if (position === undefined) return [{ record, after: start, through: record.lastSeq, holed: false }];
  if (position >= record.lastSeq) return [];
  return [{ record, after: Math.max(position, start), through: record.lastSeq, holed: position < start }];
}
