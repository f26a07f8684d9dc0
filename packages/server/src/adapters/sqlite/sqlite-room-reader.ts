import type { DatabaseSync } from 'node:sqlite';
import type { MemberRecord, MessageRecord, RoomRecord } from '../../ports/event-log.ts';
import type { MyRoomRecord, RoomReader, SyncRoomRecord } from '../../ports/room-reader.ts';
import {
  inIdOrder,
  memberColumns,
  messageColumns,
  noUpperBound,
  roomColumns,
  toMember,
  toMessages,
  toMyRoom,
  toRoom,
  toSyncRoom,
  type MemberRow,
  type MessageRow,
  type MyRoomRow,
  type ReactionRow,
  type RoomRow,
  type SyncRoomRow,
} from '../log-rows.ts';
import { fts5Query, searchWords } from '../search-terms.ts';
import { settleRead, sqliteJson } from './sqlite-support.ts';

/** RoomReader on one node:sqlite connection. Calls run between batches, so they see committed writes only. */
export class SqliteRoomReader implements RoomReader {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  room(roomId: string): Promise<RoomRecord | undefined> {
    return settleRead(this.#db, () => optional(this.#sql.room.get(roomId) as RoomRow | undefined, toRoom));
  }

  roomByCode(code: string): Promise<RoomRecord | undefined> {
    return settleRead(this.#db, () => optional(this.#sql.roomByCode.get(code) as RoomRow | undefined, toRoom));
  }

  directRoom(directKey: string): Promise<RoomRecord | undefined> {
    return settleRead(this.#db, () => optional(this.#sql.directRoom.get(directKey) as RoomRow | undefined, toRoom));
  }

  member(roomId: string, userId: string): Promise<MemberRecord | undefined> {
    return settleRead(this.#db, () =>
      optional(this.#sql.member.get(roomId, userId) as MemberRow | undefined, toMember),
    );
  }

  members(roomId: string, options: { after?: string; limit: number }): Promise<MemberRecord[]> {
    return settleRead(this.#db, () =>
      (this.#sql.members.all(roomId, options.after ?? '', Math.max(0, options.limit)) as unknown as MemberRow[]).map(
        toMember,
      ),
    );
  }

  memberIds(roomId: string): Promise<string[]> {
    return settleRead(this.#db, () => this.#sql.memberIds.all(roomId).map((row) => String(row.user_id)));
  }

  isBanned(roomId: string, userId: string): Promise<boolean> {
    return settleRead(this.#db, () => this.#sql.banned.get(roomId, userId) !== undefined);
  }

  bans(roomId: string): Promise<string[]> {
    return settleRead(this.#db, () => this.#sql.bans.all(roomId).map((row) => String(row.user_id)));
  }

  myRooms(userId: string, unreadCap: number): Promise<MyRoomRecord[]> {
    return settleRead(this.#db, () =>
      (this.#sql.myRooms.all({ userId, cap: Math.max(0, unreadCap) }) as unknown as MyRoomRow[]).map(toMyRoom),
    );
  }

  myRoom(userId: string, roomId: string, unreadCap: number): Promise<MyRoomRecord | undefined> {
    return settleRead(this.#db, () =>
      optional(
        this.#sql.myRoom.get({ userId, roomId, cap: Math.max(0, unreadCap) }) as MyRoomRow | undefined,
        toMyRoom,
      ),
    );
  }

  directory(options: { query: string; after?: string; limit: number }): Promise<RoomRecord[]> {
    return settleRead(this.#db, () =>
      (
        this.#sql.directory.all({
          query: options.query.toLowerCase(),
          after: options.after ?? '',
          limit: Math.max(0, options.limit),
        }) as unknown as RoomRow[]
      ).map(toRoom),
    );
  }

  syncRooms(userId: string): Promise<SyncRoomRecord[]> {
    return settleRead(this.#db, () => (this.#sql.syncRooms.all(userId) as unknown as SyncRoomRow[]).map(toSyncRoom));
  }

  message(messageId: string): Promise<MessageRecord | undefined> {
    return settleRead(this.#db, () => this.#withReactions(this.#sql.message.all(messageId))[0]);
  }

  messagesById(ids: readonly string[]): Promise<MessageRecord[]> {
    return settleRead(this.#db, () =>
      inIdOrder(ids, this.#withReactions(this.#sql.messagesById.all(JSON.stringify(ids)))),
    );
  }

  messages(
    roomId: string,
    range: { afterSeq?: number; beforeSeq?: number; limit: number; newest: boolean },
  ): Promise<MessageRecord[]> {
    return settleRead(this.#db, () => {
      const statement = range.newest ? this.#sql.newestMessages : this.#sql.oldestMessages;
      const rows = statement.all(
        roomId,
        range.afterSeq ?? 0,
        range.beforeSeq ?? noUpperBound,
        Math.max(0, range.limit),
      );
      const messages = this.#withReactions(rows);
      return range.newest ? messages.reverse() : messages;
    });
  }

  search(roomIds: readonly string[], query: string, limit: number): Promise<MessageRecord[]> {
    return settleRead(this.#db, () => {
      const words = searchWords(query);
      if (words.length === 0 || roomIds.length === 0 || limit <= 0) return [];
      return this.#withReactions(
        this.#sql.search.all({ match: fts5Query(words), roomIds: JSON.stringify(roomIds), limit }),
      );
    });
  }

  #withReactions(rows: unknown[]): MessageRecord[] {
    const messages = rows as MessageRow[];
    if (messages.length === 0) return [];
    const reactions = this.#sql.reactions.all(JSON.stringify(messages.map((row) => row.id)));
    return toMessages(messages, reactions as unknown as ReactionRow[], sqliteJson);
  }
}

function optional<R, T>(row: R | undefined, map: (row: R) => T): T | undefined {
  return row === undefined ? undefined : map(row);
}

/** The memberships and rooms columns myRooms selects, with the sidebar figures. */
const myRoomSelect = `
  SELECT ${roomColumns('r.')}, m.user_id AS m_user_id, m.role AS m_role, m.joined_at AS m_joined_at,
    m.joined_seq AS m_joined_seq, m.read_seq AS m_read_seq, m.muted_until AS m_muted_until,
    (SELECT count(*) FROM (
      SELECT 1 FROM messages x
      WHERE x.room_id = r.id AND x.seq > m.read_seq AND x.deleted_at IS NULL AND x.sender_id IS NOT m.user_id
      LIMIT +:cap)) AS unread,
    (SELECT x.id FROM messages x WHERE x.room_id = r.id ORDER BY x.seq DESC LIMIT 1) AS last_message_id,
    CASE WHEN r.kind = 'direct' THEN (
      SELECT p.user_id FROM memberships p
      WHERE p.room_id = r.id AND p.left_seq IS NULL AND p.user_id <> m.user_id LIMIT 1) END AS peer_id
  FROM memberships m JOIN rooms r ON r.id = m.room_id
  WHERE m.user_id = +:userId AND m.left_seq IS NULL AND r.deleted_at IS NULL`;

function prepareStatements(db: DatabaseSync) {
  const rooms = `SELECT ${roomColumns()} FROM rooms`;
  const members = `SELECT ${memberColumns()} FROM memberships`;
  const messages = `SELECT ${messageColumns()} FROM messages`;
  return {
    room: db.prepare(`${rooms} WHERE id = ?`),
    // Written to match the partial expression index rooms_join_code_live.
    roomByCode: db.prepare(
      `${rooms} WHERE upper(join_code) = upper(?) AND join_code IS NOT NULL AND deleted_at IS NULL`,
    ),
    directRoom: db.prepare(`${rooms} WHERE direct_key = ?`),
    member: db.prepare(`${members} WHERE room_id = ? AND user_id = ? AND left_seq IS NULL`),
    members: db.prepare(
      `${members} WHERE room_id = +? AND left_seq IS NULL AND user_id > +? ORDER BY user_id LIMIT +?`,
    ),
    memberIds: db.prepare('SELECT user_id FROM memberships WHERE room_id = +? AND left_seq IS NULL ORDER BY user_id'),
    banned: db.prepare('SELECT 1 FROM bans WHERE room_id = ? AND user_id = ?'),
    bans: db.prepare('SELECT user_id FROM bans WHERE room_id = +? ORDER BY at, user_id'),
    myRooms: db.prepare(`${myRoomSelect} ORDER BY r.last_event_at DESC, r.id DESC`),
    myRoom: db.prepare(`${myRoomSelect} AND r.id = +:roomId`),
    directory: db.prepare(
      `${rooms} WHERE deleted_at IS NULL AND visibility = 'public' AND kind <> 'direct'
         AND id > +:after AND instr(name_lower, +:query) > 0
       ORDER BY id LIMIT +:limit`,
    ),
    // The latest membership of each room the user was ever in: the current one if there is one,
    // as a current membership always began after every ended one.
    syncRooms: db.prepare(
      `SELECT m.room_id, r.last_seq, m.joined_seq, m.left_seq
       FROM memberships m JOIN rooms r ON r.id = m.room_id
       WHERE m.user_id = +? AND m.joined_seq =
         (SELECT max(l.joined_seq) FROM memberships l WHERE l.user_id = m.user_id AND l.room_id = m.room_id)
       ORDER BY m.room_id`,
    ),
    message: db.prepare(`${messages} WHERE id = ?`),
    messagesById: db.prepare(`${messages} WHERE id IN (SELECT value FROM json_each(?))`),
    oldestMessages: db.prepare(`${messages} WHERE room_id = +? AND seq > +? AND seq < +? ORDER BY seq LIMIT +?`),
    newestMessages: db.prepare(`${messages} WHERE room_id = +? AND seq > +? AND seq < +? ORDER BY seq DESC LIMIT +?`),
    reactions: db.prepare(
      'SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY id',
    ),
    search: db.prepare(
      `SELECT ${messageColumns('m.')} FROM messages_fts JOIN messages m ON m.row_id = messages_fts.rowid
       WHERE messages_fts MATCH +:match AND m.deleted_at IS NULL
         AND m.room_id IN (SELECT value FROM json_each(+:roomIds))
       ORDER BY m.created_at DESC, m.id DESC LIMIT +:limit`,
    ),
  };
}
