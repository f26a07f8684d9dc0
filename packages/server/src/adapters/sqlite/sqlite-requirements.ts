import type { DatabaseSync } from 'node:sqlite';
import { directPeer } from '../../lib/direct-key.ts';
import type { Facts, MemberFact, MessageFact, RoomFact } from '../log-writes.ts';

/**
 * Facts for requirements, read with prepared statements inside the committing transaction. The
 * write lock is held from BEGIN IMMEDIATE to COMMIT, so what a check reads is what the write's
 * changes will apply to: no other connection can change it in between.
 */
export class SqliteFacts implements Facts {
  readonly #sql: ReturnType<typeof prepareStatements>;
  /** Rooms read for the current write: a send checks room.live and can.post on the same room. */
  readonly #rooms = new Map<string, RoomFact | undefined>();

  constructor(db: DatabaseSync) {
    this.#sql = prepareStatements(db);
  }

  /** Forgets what was read for the previous write, whose changes may have altered it. */
  nextWrite(): this {
    this.#rooms.clear();
    return this;
  }

  room(roomId: string): RoomFact | undefined {
    if (this.#rooms.has(roomId)) return this.#rooms.get(roomId);
    const fact = this.#readRoom(roomId);
    this.#rooms.set(roomId, fact);
    return fact;
  }

  #readRoom(roomId: string): RoomFact | undefined {
    const row = this.#sql.room.get(roomId) as
      | {
          kind: RoomFact['kind'];
          visibility: string;
          direct_key: string | null;
          deleted_at: number | null;
          member_count: number;
        }
      | undefined;
    return row === undefined
      ? undefined
      : {
          kind: row.kind,
          hidden: row.kind === 'direct' || row.visibility === 'private',
          directKey: row.direct_key,
          deletedAt: row.deleted_at,
          memberCount: row.member_count,
        };
  }

  member(roomId: string, userId: string): MemberFact | undefined {
    const row = this.#sql.member.get(roomId, userId) as
      { role: MemberFact['role']; muted_until: number | null; read_seq: number } | undefined;
    return row === undefined ? undefined : { role: row.role, mutedUntil: row.muted_until, readSeq: row.read_seq };
  }

  banned(roomId: string, userId: string): boolean {
    return this.#sql.banned.get(roomId, userId) !== undefined;
  }

  message(messageId: string): MessageFact | undefined {
    const row = this.#sql.message.get(messageId) as
      { room_id: string; edited_at: number | null; deleted_at: number | null } | undefined;
    return row === undefined ? undefined : { roomId: row.room_id, editedAt: row.edited_at, deletedAt: row.deleted_at };
  }

  reacted(messageId: string, userId: string, emoji: string): boolean {
    return this.#sql.reacted.get(messageId, userId, emoji) !== undefined;
  }

  emojis(messageId: string): readonly string[] {
    return this.#sql.emojis.all(messageId).map((row) => String(row.emoji));
  }

  blockedByPeer(roomId: string, userId: string): boolean {
    const directKey = this.room(roomId)?.directKey;
    const peer = directKey == null ? undefined : directPeer(directKey, userId);
    return peer !== undefined && this.#sql.blocked.get(peer, userId) !== undefined;
  }
}

function prepareStatements(db: DatabaseSync) {
  return {
    room: db.prepare('SELECT kind, visibility, direct_key, deleted_at, member_count FROM rooms WHERE id = ?'),
    blocked: db.prepare('SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?'),
    member: db.prepare(
      'SELECT role, muted_until, read_seq FROM memberships WHERE room_id = ? AND user_id = ? AND left_seq IS NULL',
    ),
    banned: db.prepare('SELECT 1 FROM bans WHERE room_id = ? AND user_id = ?'),
    message: db.prepare('SELECT room_id, edited_at, deleted_at FROM messages WHERE id = ?'),
    reacted: db.prepare('SELECT 1 FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?'),
    emojis: db.prepare('SELECT DISTINCT emoji FROM reactions WHERE message_id = +?'),
  };
}
