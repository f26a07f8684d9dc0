import type { DatabaseSync } from 'node:sqlite';
import type { Change } from '../../ports/event-log.ts';
import { jsonText, roomPatchParams } from '../log-writes.ts';
import { changed } from './sqlite-support.ts';

/** What a change needs from the write it belongs to. */
export interface ChangeContext {
  /** The seq of the write's room event, allocated on first use. */
  roomSeq(): number;
  /** The write's client transaction id, kept on the one message a write with a txn sends. */
  txnId: string | null;
}

type Handler<O extends Change['op']> = (change: Extract<Change, { op: O }>, context: ChangeContext) => void;
type Handlers = { [O in Change['op']]: Handler<O> };

/** Applies changes with statements prepared once per connection. */
export class SqliteChanges {
  readonly #sql: ReturnType<typeof prepareStatements>;
  readonly #handlers: Handlers;
  /** The row_id of the first message inserted since the full-text index last caught up. */
  #unindexed: number | undefined;

  constructor(db: DatabaseSync) {
    this.#sql = prepareStatements(db);
    this.#handlers = handlers(this.#sql, this);
  }

  /** Applies one change inside the caller's transaction; throws on a constraint violation. */
  apply(change: Change, context: ChangeContext): void {
    (this.#handlers[change.op] as Handler<Change['op']>)(change, context);
  }

  /** Notes a message inserted and not yet in the full-text index. */
  inserted(rowId: number): void {
    this.#unindexed ??= rowId;
  }

  /**
   * Adds the messages inserted since the last call to the full-text index, in one statement: at
   * the end of each batch, and before an edit or a deletion, whose triggers expect the old text
   * to be indexed. Row ids only grow, so "from the first unindexed one" covers them all, and a
   * message whose write was rolled back is simply not there to index.
   */
  indexMessages(): void {
    if (this.#unindexed === undefined) return;
    this.#sql.indexMessages.run(this.#unindexed);
    this.#unindexed = undefined;
  }

  /** Forgets unindexed messages after the batch that inserted them was rolled back. */
  forgetUnindexed(): void {
    this.#unindexed = undefined;
  }
}

function handlers(sql: ReturnType<typeof prepareStatements>, index: SqliteChanges): Handlers {
  return {
    'room.create': ({ room }) => {
      sql.insertRoom.run({
        id: room.id,
        kind: room.kind,
        name: room.name,
        nameLower: room.name.toLowerCase(),
        topic: room.topic,
        visibility: room.visibility,
        ownerId: room.ownerId,
        passwordHash: room.passwordHash,
        joinCode: room.joinCode,
        directKey: room.directKey,
        createdAt: room.createdAt,
      });
    },
    'room.update': ({ roomId, patch }) => {
      sql.updateRoom.run({ id: roomId, ...roomPatchParams(patch) });
    },
    'room.delete': ({ roomId, at }, context) => {
      sql.endMemberships.run(context.roomSeq(), roomId);
      sql.deleteRoom.run(at, roomId);
    },
    'member.add': ({ roomId, userId, role, at }, context) => {
      const seq = context.roomSeq();
      sql.insertMember.run({ roomId, userId, role, joinedAt: at, seq });
      sql.countMembers.run(1, roomId);
    },
    'member.remove': ({ roomId, userId }, context) => {
      const ended = changed(sql.endMembership.run(context.roomSeq(), roomId, userId));
      if (ended > 0) sql.countMembers.run(-ended, roomId);
    },
    'member.update': ({ roomId, userId, role, mutedUntil }) => {
      sql.updateMember.run({
        roomId,
        userId,
        role: role ?? null,
        setMuted: mutedUntil === undefined ? 0 : 1,
        mutedUntil: mutedUntil ?? null,
      });
    },
    'ban.add': ({ roomId, userId, by, at }) => {
      sql.insertBan.run(roomId, userId, by, at);
    },
    'ban.remove': ({ roomId, userId }) => {
      sql.deleteBan.run(roomId, userId);
    },
    'message.insert': ({ message }, context) => {
      // Positional parameters: binding fourteen named ones costs more than the insert itself.
      const { lastInsertRowid } = sql.insertMessage.run(
        message.id,
        message.roomId,
        context.roomSeq(),
        message.senderId,
        message.kind,
        message.body,
        message.replyToId,
        message.forwardedFrom === null ? null : jsonText(message.forwardedFrom),
        message.file === null ? null : jsonText(message.file),
        jsonText(message.mentions),
        message.createdAt,
        message.editedAt,
        message.deletedAt,
        context.txnId,
      );
      index.inserted(Number(lastInsertRowid));
    },
    'message.edit': ({ messageId, body, mentions, at }) => {
      index.indexMessages();
      sql.editMessage.run(body, jsonText(mentions), at, messageId);
    },
    'message.delete': ({ messageId, at }) => {
      index.indexMessages();
      sql.tombstone.run(at, messageId);
      sql.deleteReactions.run(messageId);
    },
    'reaction.add': ({ messageId, userId, emoji, at }) => {
      sql.insertReaction.run(messageId, userId, emoji, at);
    },
    'reaction.remove': ({ messageId, userId, emoji }) => {
      sql.deleteReaction.run(messageId, userId, emoji);
    },
    'read.set': ({ roomId, userId, seq }) => {
      sql.readSet.run(seq, roomId, userId);
    },
    'contact.request': ({ fromId, toId, at }) => {
      sql.insertRequest.run(fromId, toId, at);
    },
    'contact.request.delete': ({ fromId, toId }) => {
      sql.deleteRequest.run(fromId, toId);
    },
    'contact.add': ({ a, b, at }) => {
      sql.insertContacts.run({ a, b, at });
    },
    'contact.remove': ({ a, b }) => {
      sql.deleteContacts.run({ a, b });
    },
    'follow.add': ({ followerId, followeeId, at }) => {
      sql.insertFollow.run(followerId, followeeId, at);
    },
    'follow.remove': ({ followerId, followeeId }) => {
      sql.deleteFollow.run(followerId, followeeId);
    },
    'block.add': ({ blockerId, blockedId, at }) => {
      sql.insertBlock.run(blockerId, blockedId, at);
    },
    'block.remove': ({ blockerId, blockedId }) => {
      sql.deleteBlock.run(blockerId, blockedId);
    },
  };
}

/** Sets a column from :value when the :set flag is 1, else keeps it. */
const maybe = (column: string, flag: string, value: string) =>
  `${column} = CASE WHEN :${flag} THEN :${value} ELSE ${column} END`;

function prepareStatements(db: DatabaseSync) {
  return {
    insertRoom: db.prepare(
      `INSERT INTO rooms (id, kind, name, name_lower, topic, visibility, owner_id, password_hash, join_code,
         direct_key, last_event_at, created_at)
       VALUES (:id, :kind, :name, :nameLower, :topic, :visibility, :ownerId, :passwordHash, :joinCode,
         :directKey, :createdAt, :createdAt)`,
    ),
    updateRoom: db.prepare(
      `UPDATE rooms SET ${maybe('name', 'setName', 'name')}, ${maybe('name_lower', 'setName', 'nameLower')},
         ${maybe('topic', 'setTopic', 'topic')}, ${maybe('visibility', 'setVisibility', 'visibility')},
         ${maybe('password_hash', 'setPasswordHash', 'passwordHash')}, ${maybe('join_code', 'setJoinCode', 'joinCode')},
         ${maybe('owner_id', 'setOwnerId', 'ownerId')}
       WHERE id = :id`,
    ),
    deleteRoom: db.prepare('UPDATE rooms SET deleted_at = ?, member_count = 0 WHERE id = ?'),
    endMemberships: db.prepare('UPDATE memberships SET left_seq = ? WHERE room_id = ? AND left_seq IS NULL'),
    insertMember: db.prepare(
      `INSERT INTO memberships (room_id, user_id, joined_seq, role, joined_at, read_seq)
       VALUES (:roomId, :userId, :seq, :role, :joinedAt, :seq)`,
    ),
    countMembers: db.prepare('UPDATE rooms SET member_count = member_count + ? WHERE id = ?'),
    endMembership: db.prepare(
      'UPDATE memberships SET left_seq = ? WHERE room_id = ? AND user_id = ? AND left_seq IS NULL',
    ),
    updateMember: db.prepare(
      `UPDATE memberships SET role = coalesce(:role, role), ${maybe('muted_until', 'setMuted', 'mutedUntil')}
       WHERE room_id = :roomId AND user_id = :userId AND left_seq IS NULL`,
    ),
    insertBan: db.prepare('INSERT INTO bans (room_id, user_id, by_id, at) VALUES (?, ?, ?, ?)'),
    deleteBan: db.prepare('DELETE FROM bans WHERE room_id = ? AND user_id = ?'),
    insertMessage: db.prepare(
      `INSERT INTO messages (id, room_id, seq, sender_id, kind, body, reply_to_id, forwarded_from, file, mentions,
         created_at, edited_at, deleted_at, txn_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    indexMessages: db.prepare(
      'INSERT INTO messages_fts (rowid, body) SELECT row_id, body FROM messages WHERE row_id >= ?',
    ),
    editMessage: db.prepare('UPDATE messages SET body = ?, mentions = ?, edited_at = ? WHERE id = ?'),
    tombstone: db.prepare(`UPDATE messages SET body = '', mentions = '[]', file = NULL, deleted_at = ? WHERE id = ?`),
    deleteReactions: db.prepare('DELETE FROM reactions WHERE message_id = ?'),
    insertReaction: db.prepare('INSERT INTO reactions (message_id, user_id, emoji, at) VALUES (?, ?, ?, ?)'),
    deleteReaction: db.prepare('DELETE FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?'),
    readSet: db.prepare(
      `UPDATE memberships SET read_seq = max(read_seq, ?)
       WHERE room_id = ? AND user_id = ? AND left_seq IS NULL`,
    ),
    insertRequest: db.prepare('INSERT INTO contact_requests (from_id, to_id, at) VALUES (?, ?, ?)'),
    deleteRequest: db.prepare('DELETE FROM contact_requests WHERE from_id = ? AND to_id = ?'),
    insertContacts: db.prepare('INSERT INTO contacts (user_id, contact_id, since) VALUES (:a, :b, :at), (:b, :a, :at)'),
    deleteContacts: db.prepare(
      'DELETE FROM contacts WHERE (user_id = :a AND contact_id = :b) OR (user_id = :b AND contact_id = :a)',
    ),
    insertFollow: db.prepare('INSERT INTO follows (follower_id, followee_id, at) VALUES (?, ?, ?)'),
    deleteFollow: db.prepare('DELETE FROM follows WHERE follower_id = ? AND followee_id = ?'),
    insertBlock: db.prepare('INSERT INTO blocks (blocker_id, blocked_id, at) VALUES (?, ?, ?)'),
    deleteBlock: db.prepare('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?'),
  };
}
