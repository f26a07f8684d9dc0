import type { MemberRole, RoomKind, Visibility } from '@natter/protocol';
import type {
  MemberRecord,
  MessageRecord,
  MyRoomRecord,
  RoomRecord,
  Since,
  StoredEvent,
  SyncRoomRecord,
} from '../ports/index.ts';

// Row shapes of the rooms, messages and event-log tables and their mapping to records, shared by
// the SQLite and PostgreSQL adapters. JSON columns are TEXT on SQLite and jsonb on PostgreSQL, so
// each mapper takes the engine's `json` decoder: JSON.parse there, the value pg already parsed here.

/** A seq bound that stands for "no upper bound" in range reads. */
export const noUpperBound = Number.MAX_SAFE_INTEGER;

/** Turns a JSON column as the driver returns it into the value that was stored. */
export type JsonDecoder = (value: unknown) => unknown;

/** A rooms row (the columns records need; name_lower and last_event_at serve queries only). */
export interface RoomRow {
  id: string;
  kind: RoomKind;
  name: string;
  topic: string;
  visibility: Visibility;
  owner_id: string | null;
  password_hash: string | null;
  join_code: string | null;
  direct_key: string | null;
  member_count: number;
  last_seq: number;
  created_at: number;
  deleted_at: number | null;
}

/** The rooms columns, in RoomRow order; `prefix` qualifies them ("r." gives r.id, r.kind...). */
export function roomColumns(prefix = ''): string {
  return [
    'id',
    'kind',
    'name',
    'topic',
    'visibility',
    'owner_id',
    'password_hash',
    'join_code',
    'direct_key',
    'member_count',
    'last_seq',
    'created_at',
    'deleted_at',
  ]
    .map((column) => prefix + column)
    .join(', ');
}

/** A rooms row as a record. */
export function toRoom(row: RoomRow): RoomRecord {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    topic: row.topic,
    visibility: row.visibility,
    ownerId: row.owner_id,
    passwordHash: row.password_hash,
    joinCode: row.join_code,
    directKey: row.direct_key,
    memberCount: row.member_count,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

/** A memberships row. */
export interface MemberRow {
  room_id: string;
  user_id: string;
  role: MemberRole;
  joined_at: number;
  joined_seq: number;
  read_seq: number;
  muted_until: number | null;
}

/** The memberships columns records need, qualified by `prefix`. */
export function memberColumns(prefix = ''): string {
  return ['room_id', 'user_id', 'role', 'joined_at', 'joined_seq', 'read_seq', 'muted_until']
    .map((column) => prefix + column)
    .join(', ');
}

/** A memberships row as a record. */
export function toMember(row: MemberRow): MemberRecord {
  return {
    roomId: row.room_id,
    userId: row.user_id,
    role: row.role,
    joinedAt: row.joined_at,
    joinedSeq: row.joined_seq,
    readSeq: row.read_seq,
    mutedUntil: row.muted_until,
  };
}

/** A room row joined with the member's row and the sidebar figures, as myRooms selects it. */
export type MyRoomRow = RoomRow & {
  m_user_id: string;
  m_role: MemberRole;
  m_joined_at: number;
  m_joined_seq: number;
  m_read_seq: number;
  m_muted_until: number | null;
  unread: number;
  last_message_id: string | null;
  peer_id: string | null;
};

/** A MyRoomRow as a record. */
export function toMyRoom(row: MyRoomRow): MyRoomRecord {
  return {
    room: toRoom(row),
    member: {
      roomId: row.id,
      userId: row.m_user_id,
      role: row.m_role,
      joinedAt: row.m_joined_at,
      joinedSeq: row.m_joined_seq,
      readSeq: row.m_read_seq,
      mutedUntil: row.m_muted_until,
    },
    unread: row.unread,
    lastMessageId: row.last_message_id,
    peerId: row.peer_id,
  };
}

/** A syncRooms row. */
export interface SyncRoomRow {
  room_id: string;
  last_seq: number;
  joined_seq: number;
  left_seq: number | null;
}

/** A SyncRoomRow as a record. */
export function toSyncRoom(row: SyncRoomRow): SyncRoomRecord {
  return { roomId: row.room_id, lastSeq: row.last_seq, joinedSeq: row.joined_seq, leftSeq: row.left_seq };
}

/** A messages row; forwarded_from, file and mentions are JSON columns. */
export interface MessageRow {
  id: string;
  room_id: string;
  seq: number;
  sender_id: string | null;
  kind: 'text' | 'file';
  body: string;
  reply_to_id: string | null;
  forwarded_from: unknown;
  file: unknown;
  mentions: unknown;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

/** The messages columns, in MessageRow order, qualified by `prefix`. */
export function messageColumns(prefix = ''): string {
  return [
    'id',
    'room_id',
    'seq',
    'sender_id',
    'kind',
    'body',
    'reply_to_id',
    'forwarded_from',
    'file',
    'mentions',
    'created_at',
    'edited_at',
    'deleted_at',
  ]
    .map((column) => prefix + column)
    .join(', ');
}

/** A messages row with its reactions as a record. */
export function toMessage(row: MessageRow, json: JsonDecoder, reactions: MessageRecord['reactions']): MessageRecord {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    senderId: row.sender_id,
    kind: row.kind,
    body: row.body,
    replyToId: row.reply_to_id,
    forwardedFrom: json(row.forwarded_from) as MessageRecord['forwardedFrom'],
    file: json(row.file) as MessageRecord['file'],
    mentions: json(row.mentions) as string[],
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    reactions,
  };
}

/** A reactions row, read in the order reactions were made. */
export interface ReactionRow {
  message_id: string;
  emoji: string;
  user_id: string;
}

/**
 * Reactions grouped per message: each emoji in the order it was first used (among the reactions
 * that remain), each with its reactors in the order they reacted. `rows` must come in reaction order.
 */
export function groupReactions(rows: readonly ReactionRow[]): Map<string, MessageRecord['reactions']> {
  const byMessage = new Map<string, Map<string, string[]>>();
  for (const row of rows) {
    let emoji = byMessage.get(row.message_id);
    if (emoji === undefined) byMessage.set(row.message_id, (emoji = new Map<string, string[]>()));
    const users = emoji.get(row.emoji);
    if (users === undefined) emoji.set(row.emoji, [row.user_id]);
    else users.push(row.user_id);
  }
  return new Map(
    [...byMessage].map(([messageId, emoji]) => [messageId, [...emoji].map(([e, userIds]) => ({ emoji: e, userIds }))]),
  );
}

/** Messages rows with their reactions, as records in the order of `rows`. */
export function toMessages(
  rows: readonly MessageRow[],
  reactionRows: readonly ReactionRow[],
  json: JsonDecoder,
): MessageRecord[] {
  const reactions = groupReactions(reactionRows);
  return rows.map((row) => toMessage(row, json, reactions.get(row.id) ?? []));
}

/** Records in the order of `ids`, leaving out ids with no record. */
export function inIdOrder<T extends { id: string }>(ids: readonly string[], records: readonly T[]): T[] {
  const byId = new Map(records.map((record) => [record.id, record]));
  return ids.flatMap((id) => {
    const record = byId.get(id);
    return record === undefined ? [] : [record];
  });
}

/** A room_events or user_events row, with the stream's id as stream_id. */
export interface EventRow {
  stream_id: string;
  seq: number;
  type: string;
  actor_id: string | null;
  data: unknown;
  at: number;
}

/** An event row as a StoredEvent of `stream`. */
export function toStoredEvent(stream: 'room' | 'user', row: EventRow, json: JsonDecoder): StoredEvent {
  return {
    stream,
    streamId: row.stream_id,
    seq: row.seq,
    type: row.type,
    actorId: row.actor_id,
    data: json(row.data),
    at: row.at,
  };
}

/** A people relation row: the other person and since when. */
export interface SinceRow {
  user_id: string;
  since: number;
}

/** A SinceRow as a record. */
export function toSince(row: SinceRow): Since {
  return { userId: row.user_id, since: row.since };
}
