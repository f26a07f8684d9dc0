import type { PoolClient } from 'pg';
import type { Change } from '../../ports/event-log.ts';
import { jsonText, roomPatchParams } from '../log-writes.ts';
import { changed } from './postgres-support.ts';

/** What a change needs from the write it belongs to. */
export interface ChangeContext {
  /** The seq of the write's room event. */
  roomSeq(): number;
  /** The write's client transaction id, kept on the one message a write with a txn sends. */
  txnId: string | null;
}

type Handler<O extends Change['op']> = (
  client: PoolClient,
  change: Extract<Change, { op: O }>,
  context: ChangeContext,
) => Promise<unknown>;

/** Runs one statement, prepared once per connection under `name`. */
function run(client: PoolClient, name: string, text: string, values: unknown[]) {
  return client.query({ name: `natter_${name}`, text, values });
}

/** Sets a column from the value parameter when the flag parameter is 1, else keeps it. */
const maybe = (column: string, flag: number, value: number) =>
  `${column} = CASE WHEN $${flag}::int = 1 THEN $${value} ELSE ${column} END`;

const handlers: { [O in Change['op']]: Handler<O> } = {
  'room.create': (client, { room }) =>
    run(
      client,
      'room_create',
      `INSERT INTO rooms (id, kind, name, name_lower, topic, visibility, owner_id, password_hash, join_code,
         direct_key, last_event_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        room.id,
        room.kind,
        room.name,
        room.name.toLowerCase(),
        room.topic,
        room.visibility,
        room.ownerId,
        room.passwordHash,
        room.joinCode,
        room.directKey,
        room.createdAt,
      ],
    ),
  'room.update': (client, { roomId, patch }) => {
    const p = roomPatchParams(patch);
    return run(
      client,
      'room_update',
      `UPDATE rooms SET ${maybe('name', 2, 3)}, ${maybe('name_lower', 2, 4)}, ${maybe('topic', 5, 6)},
         ${maybe('visibility', 7, 8)}, ${maybe('password_hash', 9, 10)}, ${maybe('join_code', 11, 12)},
         ${maybe('owner_id', 13, 14)}
       WHERE id = $1`,
      [roomId, p.setName, p.name, p.nameLower, p.setTopic, p.topic, p.setVisibility, p.visibility].concat([
        p.setPasswordHash,
        p.passwordHash,
        p.setJoinCode,
        p.joinCode,
        p.setOwnerId,
        p.ownerId,
      ]),
    );
  },
  'room.delete': async (client, { roomId, at }, context) => {
    await run(
      client,
      'room_end_memberships',
      'UPDATE memberships SET left_seq = $2 WHERE room_id = $1 AND left_seq IS NULL',
      [roomId, context.roomSeq()],
    );
    await run(client, 'room_delete', 'UPDATE rooms SET deleted_at = $2, member_count = 0 WHERE id = $1', [roomId, at]);
  },
  'member.add': async (client, { roomId, userId, role, at }, context) => {
    await run(
      client,
      'member_add',
      `INSERT INTO memberships (room_id, user_id, joined_seq, role, joined_at, read_seq) VALUES ($1, $2, $3, $4, $5, $3)`,
      [roomId, userId, context.roomSeq(), role, at],
    );
    await countMembers(client, roomId, 1);
  },
  'member.remove': async (client, { roomId, userId }, context) => {
    const ended = changed(
      await run(
        client,
        'member_remove',
        'UPDATE memberships SET left_seq = $3 WHERE room_id = $1 AND user_id = $2 AND left_seq IS NULL',
        [roomId, userId, context.roomSeq()],
      ),
    );
    if (ended > 0) await countMembers(client, roomId, -ended);
  },
  'member.update': (client, { roomId, userId, role, mutedUntil }) =>
    run(
      client,
      'member_update',
      `UPDATE memberships SET role = coalesce($3, role), ${maybe('muted_until', 4, 5)}
       WHERE room_id = $1 AND user_id = $2 AND left_seq IS NULL`,
      [roomId, userId, role ?? null, mutedUntil === undefined ? 0 : 1, mutedUntil ?? null],
    ),
  'ban.add': (client, { roomId, userId, by, at }) =>
    run(client, 'ban_add', 'INSERT INTO bans (room_id, user_id, by_id, at) VALUES ($1, $2, $3, $4)', [
      roomId,
      userId,
      by,
      at,
    ]),
  'ban.remove': (client, { roomId, userId }) =>
    run(client, 'ban_remove', 'DELETE FROM bans WHERE room_id = $1 AND user_id = $2', [roomId, userId]),
  'message.insert': (client, { message: m }, context) =>
    run(
      client,
      'message_insert',
      `INSERT INTO messages (id, room_id, seq, sender_id, kind, body, reply_to_id, forwarded_from, file, mentions,
         created_at, edited_at, deleted_at, txn_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13, $14)`,
      [m.id, m.roomId, context.roomSeq(), m.senderId, m.kind, m.body, m.replyToId]
        .concat([
          m.forwardedFrom === null ? null : jsonText(m.forwardedFrom),
          m.file === null ? null : jsonText(m.file),
        ])
        .concat([jsonText(m.mentions), m.createdAt, m.editedAt, m.deletedAt, context.txnId]),
    ),
  'message.edit': (client, { messageId, body, mentions, at }) =>
    run(client, 'message_edit', 'UPDATE messages SET body = $2, mentions = $3::jsonb, edited_at = $4 WHERE id = $1', [
      messageId,
      body,
      jsonText(mentions),
      at,
    ]),
  'message.delete': async (client, { messageId, at }) => {
    await run(
      client,
      'message_delete',
      `UPDATE messages SET body = '', mentions = '[]', file = NULL, deleted_at = $2 WHERE id = $1`,
      [messageId, at],
    );
    await run(client, 'message_delete_reactions', 'DELETE FROM reactions WHERE message_id = $1', [messageId]);
  },
  'reaction.add': (client, { messageId, userId, emoji, at }) =>
    run(client, 'reaction_add', 'INSERT INTO reactions (message_id, user_id, emoji, at) VALUES ($1, $2, $3, $4)', [
      messageId,
      userId,
      emoji,
      at,
    ]),
  'reaction.remove': (client, { messageId, userId, emoji }) =>
    run(client, 'reaction_remove', 'DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3', [
      messageId,
      userId,
      emoji,
    ]),
  'read.set': (client, { roomId, userId, seq }) =>
    run(
      client,
      'read_set',
      `UPDATE memberships SET read_seq = greatest(read_seq, $3)
       WHERE room_id = $1 AND user_id = $2 AND left_seq IS NULL`,
      [roomId, userId, seq],
    ),
  'contact.request': (client, { fromId, toId, at }) =>
    run(client, 'request_add', 'INSERT INTO contact_requests (from_id, to_id, at) VALUES ($1, $2, $3)', [
      fromId,
      toId,
      at,
    ]),
  'contact.request.delete': (client, { fromId, toId }) =>
    run(client, 'request_delete', 'DELETE FROM contact_requests WHERE from_id = $1 AND to_id = $2', [fromId, toId]),
  'contact.add': (client, { a, b, at }) =>
    run(client, 'contact_add', 'INSERT INTO contacts (user_id, contact_id, since) VALUES ($1, $2, $3), ($2, $1, $3)', [
      a,
      b,
      at,
    ]),
  'contact.remove': (client, { a, b }) =>
    run(
      client,
      'contact_remove',
      'DELETE FROM contacts WHERE (user_id = $1 AND contact_id = $2) OR (user_id = $2 AND contact_id = $1)',
      [a, b],
    ),
  'follow.add': (client, { followerId, followeeId, at }) =>
    run(client, 'follow_add', 'INSERT INTO follows (follower_id, followee_id, at) VALUES ($1, $2, $3)', [
      followerId,
      followeeId,
      at,
    ]),
  'follow.remove': (client, { followerId, followeeId }) =>
    run(client, 'follow_remove', 'DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2', [
      followerId,
      followeeId,
    ]),
  'block.add': (client, { blockerId, blockedId, at }) =>
    run(client, 'block_add', 'INSERT INTO blocks (blocker_id, blocked_id, at) VALUES ($1, $2, $3)', [
      blockerId,
      blockedId,
      at,
    ]),
  'block.remove': (client, { blockerId, blockedId }) =>
    run(client, 'block_remove', 'DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]),
};

function countMembers(client: PoolClient, roomId: string, by: number) {
  return run(client, 'member_count', 'UPDATE rooms SET member_count = member_count + $2 WHERE id = $1', [roomId, by]);
}

/** Applies one change inside the caller's transaction; rejects on a constraint violation. */
export async function applyChange(client: PoolClient, change: Change, context: ChangeContext): Promise<void> {
  await (handlers[change.op] as Handler<Change['op']>)(client, change, context);
}
