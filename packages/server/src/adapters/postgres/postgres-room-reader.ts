import type { QueryResultRow } from 'pg';
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
import { searchWords, tsQuery } from '../search-terms.ts';
import { pgJson, type PostgresDatabase } from './postgres-support.ts';

const rooms = `SELECT ${roomColumns()} FROM rooms`;
const members = `SELECT ${memberColumns()} FROM memberships`;
const messages = `SELECT ${messageColumns()} FROM messages`;

/** The memberships and rooms columns myRooms selects, with the sidebar figures. */
const myRoomSelect = `
  SELECT ${roomColumns('r.')}, m.user_id AS m_user_id, m.role AS m_role, m.joined_at AS m_joined_at,
    m.joined_seq AS m_joined_seq, m.read_seq AS m_read_seq, m.muted_until AS m_muted_until,
    (SELECT count(*) FROM (
      SELECT 1 FROM messages x
      WHERE x.room_id = r.id AND x.seq > m.read_seq AND x.deleted_at IS NULL
        AND x.sender_id IS DISTINCT FROM m.user_id
      LIMIT $2) AS capped)::integer AS unread,
    (SELECT x.id FROM messages x WHERE x.room_id = r.id ORDER BY x.seq DESC LIMIT 1) AS last_message_id,
    CASE WHEN r.kind = 'direct' THEN (
      SELECT p.user_id FROM memberships p
      WHERE p.room_id = r.id AND p.left_seq IS NULL AND p.user_id <> m.user_id LIMIT 1) END AS peer_id
  FROM memberships m JOIN rooms r ON r.id = m.room_id
  WHERE m.user_id = $1 AND m.left_seq IS NULL AND r.deleted_at IS NULL`;

/** RoomReader on a pg pool; each call is one autocommit statement (two with reactions). */
export class PostgresRoomReader implements RoomReader {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async room(roomId: string): Promise<RoomRecord | undefined> {
    return optional(await this.#rows<RoomRow>(`${rooms} WHERE id = $1`, [roomId]), toRoom);
  }

  async roomByCode(code: string): Promise<RoomRecord | undefined> {
    // Written to match the partial expression index rooms_join_code_live.
    const sql = `${rooms} WHERE upper(join_code) = upper($1) AND join_code IS NOT NULL AND deleted_at IS NULL`;
    return optional(await this.#rows<RoomRow>(sql, [code]), toRoom);
  }

  async directRoom(directKey: string): Promise<RoomRecord | undefined> {
    return optional(await this.#rows<RoomRow>(`${rooms} WHERE direct_key = $1`, [directKey]), toRoom);
  }

  async member(roomId: string, userId: string): Promise<MemberRecord | undefined> {
    const sql = `${members} WHERE room_id = $1 AND user_id = $2 AND left_seq IS NULL`;
    return optional(await this.#rows<MemberRow>(sql, [roomId, userId]), toMember);
  }

  async members(roomId: string, options: { after?: string; limit: number }): Promise<MemberRecord[]> {
    const sql = `${members} WHERE room_id = $1 AND left_seq IS NULL AND user_id > $2 ORDER BY user_id LIMIT $3`;
    return (await this.#rows<MemberRow>(sql, [roomId, options.after ?? '', Math.max(0, options.limit)])).map(toMember);
  }

  async memberIds(roomId: string): Promise<string[]> {
    const sql = 'SELECT user_id FROM memberships WHERE room_id = $1 AND left_seq IS NULL ORDER BY user_id';
    return (await this.#rows<{ user_id: string }>(sql, [roomId])).map((row) => row.user_id);
  }

  async isBanned(roomId: string, userId: string): Promise<boolean> {
    return (await this.#rows('SELECT 1 FROM bans WHERE room_id = $1 AND user_id = $2', [roomId, userId])).length > 0;
  }

  async bans(roomId: string): Promise<string[]> {
    const sql = 'SELECT user_id FROM bans WHERE room_id = $1 ORDER BY at, user_id';
    return (await this.#rows<{ user_id: string }>(sql, [roomId])).map((row) => row.user_id);
  }

  async myRooms(userId: string, unreadCap: number): Promise<MyRoomRecord[]> {
    const sql = `${myRoomSelect} ORDER BY r.last_event_at DESC, r.id DESC`;
    return (await this.#rows<MyRoomRow>(sql, [userId, Math.max(0, unreadCap)])).map(toMyRoom);
  }

  async myRoom(userId: string, roomId: string, unreadCap: number): Promise<MyRoomRecord | undefined> {
    const sql = `${myRoomSelect} AND r.id = $3`;
    return optional(await this.#rows<MyRoomRow>(sql, [userId, Math.max(0, unreadCap), roomId]), toMyRoom);
  }

  async directory(options: { query: string; after?: string; limit: number }): Promise<RoomRecord[]> {
    const sql = `${rooms} WHERE deleted_at IS NULL AND visibility = 'public' AND kind <> 'direct'
                   AND id > $1 AND strpos(name_lower, $2) > 0
                 ORDER BY id LIMIT $3`;
    const values = [options.after ?? '', options.query.toLowerCase(), Math.max(0, options.limit)];
    return (await this.#rows<RoomRow>(sql, values)).map(toRoom);
  }

  async syncRooms(userId: string): Promise<SyncRoomRecord[]> {
    // The latest membership of each room the user was ever in: the current one if there is one,
    // as a current membership always began after every ended one.
    const sql = `SELECT DISTINCT ON (m.room_id) m.room_id, r.last_seq, m.joined_seq, m.left_seq
                 FROM memberships m JOIN rooms r ON r.id = m.room_id
                 WHERE m.user_id = $1
                 ORDER BY m.room_id, m.joined_seq DESC`;
    return (await this.#rows<SyncRoomRow>(sql, [userId])).map(toSyncRoom);
  }

  async message(messageId: string): Promise<MessageRecord | undefined> {
    return (await this.#withReactions(await this.#rows<MessageRow>(`${messages} WHERE id = $1`, [messageId])))[0];
  }

  async messagesById(ids: readonly string[]): Promise<MessageRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#rows<MessageRow>(`${messages} WHERE id = ANY ($1::text[])`, [ids]);
    return inIdOrder(ids, await this.#withReactions(rows));
  }

  async messages(
    roomId: string,
    range: { afterSeq?: number; beforeSeq?: number; limit: number; newest: boolean },
  ): Promise<MessageRecord[]> {
    const sql = `${messages} WHERE room_id = $1 AND seq > $2 AND seq < $3
                 ORDER BY seq ${range.newest ? 'DESC' : 'ASC'} LIMIT $4`;
    const values = [roomId, range.afterSeq ?? 0, range.beforeSeq ?? noUpperBound, Math.max(0, range.limit)];
    const found = await this.#withReactions(await this.#rows<MessageRow>(sql, values));
    return range.newest ? found.reverse() : found;
  }

  async search(roomIds: readonly string[], query: string, limit: number): Promise<MessageRecord[]> {
    const words = searchWords(query);
    if (words.length === 0 || roomIds.length === 0 || limit <= 0) return [];
    // Words are folded with the function that folds the indexed text, so both sides agree.
    const sql = `SELECT ${messageColumns('m.')} FROM messages m
                 WHERE m.search @@ to_tsquery('simple', search_letters($1)) AND m.deleted_at IS NULL
                   AND m.room_id = ANY ($2::text[])
                 ORDER BY m.created_at DESC, m.id DESC LIMIT $3`;
    return this.#withReactions(await this.#rows<MessageRow>(sql, [tsQuery(words), roomIds, limit]));
  }

  async #withReactions(rows: MessageRow[]): Promise<MessageRecord[]> {
    if (rows.length === 0) return [];
    const reactions = await this.#rows<ReactionRow>(
      'SELECT message_id, emoji, user_id FROM reactions WHERE message_id = ANY ($1::text[]) ORDER BY id',
      [rows.map((row) => row.id)],
    );
    return toMessages(rows, reactions, pgJson);
  }

  async #rows<R extends QueryResultRow>(sql: string, values: unknown[]): Promise<R[]> {
    return (await this.#db.query<R>(sql, values)).rows;
  }
}

function optional<R, T>(rows: R[], map: (row: R) => T): T | undefined {
  const row = rows[0];
  return row === undefined ? undefined : map(row);
}
