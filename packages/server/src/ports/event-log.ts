import type { MemberRole, RoomKind, Visibility } from '@natter/protocol';

/** A stored room. Times are epoch ms. */
export interface RoomRecord {
  id: string;
  kind: RoomKind;
  name: string;
  topic: string;
  visibility: Visibility;
  ownerId: string | null;
  /** argon2id hash when the room has a password. */
  passwordHash: string | null;
  joinCode: string | null;
  /** For direct rooms: the two user ids, sorted, joined by ':'. Unique. */
  directKey: string | null;
  memberCount: number;
  /** Sequence number of the room's latest event; 0 before the first. */
  lastSeq: number;
  createdAt: number;
  deletedAt: number | null;
}

/** A current membership. */
export interface MemberRecord {
  roomId: string;
  userId: string;
  role: MemberRole;
  joinedAt: number;
  /** The room seq of the member.joined event that began this membership. */
  joinedSeq: number;
  readSeq: number;
  mutedUntil: number | null;
}

/** A stored message. Reactions are kept apart (see reactions). */
export interface MessageRecord {
  id: string;
  roomId: string;
  /** The room seq of its message.created event. */
  seq: number;
  senderId: string | null;
  kind: 'text' | 'file';
  body: string;
  replyToId: string | null;
  /** JSON of the protocol's ForwardRef, when forwarded. */
  forwardedFrom: { roomId: string; messageId: string; senderId: string | null; sentAt: number } | null;
  file: { fileId: string; name: string; size: number; contentType: string } | null;
  mentions: string[];
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  /** Emoji in first-use order, each with its reactors in the order they reacted. */
  reactions: { emoji: string; userIds: string[] }[];
}

/** Which log an event belongs to. */
export type StreamRef = { room: string } | { user: string };

/** An event to append; the log assigns the stream's next sequence number. */
export interface NewEvent {
  stream: StreamRef;
  type: string;
  actorId: string | null;
  /** JSON-serialisable; stored as is and replayed as is. */
  data: unknown;
  /**
   * Names a top-level field of `data` (an object) that the log sets, before storing, to the seq of
   * the write's room event: a user event saying where in a room something happened (room.joined,
   * room.left, mention) cannot know that number before the commit.
   */
  roomSeqField?: string;
}

/** An event as the log holds it. */
export interface StoredEvent {
  stream: 'room' | 'user';
  /** The room id or the user id. */
  streamId: string;
  seq: number;
  type: string;
  actorId: string | null;
  data: unknown;
  at: number;
}

/**
 * A state change applied in the same transaction as a write's events. Changes marked "at the
 * write's room seq" take the sequence number of the write's one room event.
 */
export type Change =
  | { op: 'room.create'; room: Omit<RoomRecord, 'memberCount' | 'lastSeq' | 'deletedAt'> }
  | {
      op: 'room.update';
      roomId: string;
      patch: Partial<Pick<RoomRecord, 'name' | 'topic' | 'visibility' | 'passwordHash' | 'joinCode' | 'ownerId'>>;
    }
  | { op: 'room.delete'; roomId: string; at: number }
  /** Begins a membership at the write's room seq, with the read marker at that seq; the count goes up. */
  | { op: 'member.add'; roomId: string; userId: string; role: MemberRole; at: number }
  /** Ends a membership at the write's room seq; the count goes down. */
  | { op: 'member.remove'; roomId: string; userId: string }
  | { op: 'member.update'; roomId: string; userId: string; role?: MemberRole; mutedUntil?: number | null }
  | { op: 'ban.add'; roomId: string; userId: string; by: string; at: number }
  | { op: 'ban.remove'; roomId: string; userId: string }
  /** Inserts a message whose seq is the write's room seq. */
  | { op: 'message.insert'; message: Omit<MessageRecord, 'seq' | 'reactions'> }
  | { op: 'message.edit'; messageId: string; body: string; mentions: string[]; at: number }
  | { op: 'message.delete'; messageId: string; at: number }
  | { op: 'reaction.add'; messageId: string; userId: string; emoji: string; at: number }
  | { op: 'reaction.remove'; messageId: string; userId: string; emoji: string }
  /** Moves a read marker forward; never back. */
  | { op: 'read.set'; roomId: string; userId: string; seq: number }
  | { op: 'contact.request'; fromId: string; toId: string; at: number }
  | { op: 'contact.request.delete'; fromId: string; toId: string }
  | { op: 'contact.add'; a: string; b: string; at: number }
  | { op: 'contact.remove'; a: string; b: string }
  | { op: 'follow.add'; followerId: string; followeeId: string; at: number }
  | { op: 'follow.remove'; followerId: string; followeeId: string }
  | { op: 'block.add'; blockerId: string; blockedId: string; at: number }
  | { op: 'block.remove'; blockerId: string; blockedId: string };

/**
 * A condition checked inside the write's transaction, against state as it is at commit. A write
 * whose condition fails stores nothing and answers the condition's code; other writes of the same
 * batch are unaffected. This is what makes a check and its effect atomic: a member kicked an
 * instant before their send commits is refused, never posted.
 */
export type Requirement =
  | { check: 'room.live'; roomId: string } // else room_not_found
  | { check: 'member'; roomId: string; userId: string } // else not_a_member
  | { check: 'not.member'; roomId: string; userId: string } // else already_member
  | { check: 'role'; roomId: string; userId: string; atLeast: 'admin' | 'owner' } // else forbidden
  | { check: 'can.post'; roomId: string; userId: string; now: number } // else room_not_found (a private or direct room), not_a_member, cannot_post or muted
  | { check: 'not.blocked'; roomId: string; userId: string } // else blocked: in a direct room, the other person blocked userId
  | { check: 'not.banned'; roomId: string; userId: string } // else banned
  | { check: 'capacity'; roomId: string; max: number } // else room_full
  | { check: 'message.live'; roomId: string; messageId: string } // else message_not_found
  /** The message is as it was when it was read (a reply quotes that state). */
  | { check: 'message.unchanged'; messageId: string; editedAt: number | null; deletedAt: number | null } // else message_changed
  | { check: 'reaction.absent'; messageId: string; userId: string; emoji: string } // else reaction_exists
  | { check: 'reaction.present'; messageId: string; userId: string; emoji: string } // else reaction_missing
  | { check: 'reaction.room'; messageId: string; emoji: string; maxDistinct: number } // else reaction_limit
  | { check: 'read.ahead'; roomId: string; userId: string; seq: number }; // else read_not_ahead

/** Codes a failed write answers with: a requirement's, the txn's, or a unique field's. */
export type RequirementCode =
  | 'room_not_found'
  | 'not_a_member'
  | 'already_member'
  | 'forbidden'
  | 'cannot_post'
  | 'muted'
  | 'banned'
  | 'room_full'
  | 'message_not_found'
  | 'message_changed'
  | 'reaction_exists'
  | 'reaction_missing'
  | 'reaction_limit'
  | 'read_not_ahead'
  | 'txn_id_conflict'
  | 'blocked'
  /**
   * A unique field collided with a write committed first (two people opening the same direct room
   * at once, a relation that already exists); the result's `field` names it.
   */
  | 'unique_violation';

/** One atomic unit: requirements checked, then changes applied and events appended, or nothing. */
export interface Write {
  /**
   * Makes the write idempotent: (userId, txnId) is used once. When the pair was used at or after
   * `since` for the same room, nothing is stored and the original room event comes back
   * (`events: [it]`, `duplicate: true`); for another room the write fails with txn_id_conflict. A
   * use before `since` is forgotten: the id is free again (the retention, txnRetentionDays). Only a
   * send takes one: the write inserts exactly one message, from `userId` in `roomId`, and its room
   * event must be in `roomId` too. The pair is stored on the message, with its event's seq.
   */
  txn?: { userId: string; txnId: string; roomId: string; since: number };
  require: Requirement[];
  changes: Change[];
  /** At most one room event per write; any number of user events. */
  events: NewEvent[];
  at: number;
}

/** What became of one write. */
export type WriteResult =
  | { ok: true; events: StoredEvent[]; duplicate: boolean }
  /** `field` is set for unique_violation: 'direct_key', 'join_code', 'member', 'contact'... */
  | { ok: false; code: RequirementCode; field?: string };

/**
 * The durable event log and the state it describes. Every change a client must see is written
 * here together with its event, so that the log and the state can never disagree.
 */
export interface EventLog {
  /**
   * Commits a batch of writes in one transaction (each write all or nothing: a refused or
   * colliding write stores nothing, the others commit) and answers in the same order. Sequence
   * numbers are strictly increasing and gap-free per stream and are assigned under the stream's
   * lock, so commit order and sequence order agree. Resolves only after the transaction is
   * durable. Rejects, storing nothing of the batch, when a write is malformed (two room events; a
   * txn, seq-taking change or roomSeqField without its room event, a txn on anything but one
   * send) or the database fails in a way
   * no code describes.
   */
  commit(writes: readonly Write[]): Promise<WriteResult[]>;
  /** A room's events with seq in (afterSeq, throughSeq], ascending, at most `limit`. */
  roomEvents(roomId: string, afterSeq: number, limit: number, throughSeq?: number): Promise<StoredEvent[]>;
  /** A room's latest `limit` events with seq in (afterSeq, throughSeq], ascending. */
  latestRoomEvents(roomId: string, afterSeq: number, limit: number, throughSeq?: number): Promise<StoredEvent[]>;
  /** A user's events with seq > afterSeq, ascending, at most `limit`. */
  userEvents(userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The user's latest event seq; 0 when none. */
  userSeq(userId: string): Promise<number>;
  /**
   * Where a transaction id's room event is, if the id was used at or after `since` (see
   * Write.txn). A service asks first, so that a retry is answered with the original even when its
   * checks would now fail (the sender has since left the room, say).
   */
  findTxn(userId: string, txnId: string, since: number): Promise<{ roomId: string; seq: number } | undefined>;
}
