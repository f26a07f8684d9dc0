import type { MemberRecord, MessageRecord, RoomRecord } from './event-log.ts';

/** A room in a member's list, with what the sidebar needs. */
export interface MyRoomRecord {
  room: RoomRecord;
  member: MemberRecord;
  /** Messages by others with seq above the read marker, not deleted, counted up to `unreadCap`. */
  unread: number;
  /** The room's latest message, a tombstone if it was deleted. */
  lastMessageId: string | null;
  /** For direct rooms: the other member's id. */
  peerId: string | null;
}

/** Where a user stands with a room, for sync: a current membership, or one that ended. */
export interface SyncRoomRecord {
  roomId: string;
  lastSeq: number;
  /** The room seq where the current or latest membership began. */
  joinedSeq: number;
  /** The room seq where the latest membership ended; null while it lasts. */
  leftSeq: number | null;
}

/** Reads of rooms, memberships and messages. Every answer reflects committed writes only. */
export interface RoomReader {
  /** A room, deleted or not. */
  room(roomId: string): Promise<RoomRecord | undefined>;
  /** The live room with this join code (codes compare case-insensitively). */
  roomByCode(code: string): Promise<RoomRecord | undefined>;
  /** The direct room for this sorted pair key, if it was ever created. */
  directRoom(directKey: string): Promise<RoomRecord | undefined>;
  /** A current membership. */
  member(roomId: string, userId: string): Promise<MemberRecord | undefined>;
  /** Current members ordered by user id, after `after`. */
  members(roomId: string, options: { after?: string; limit: number }): Promise<MemberRecord[]>;
  /** Every current member's user id (fan-out and mentions). */
  memberIds(roomId: string): Promise<string[]>;
  /** Whether the user is banned from the room. */
  isBanned(roomId: string, userId: string): Promise<boolean>;
  /** Banned user ids, by ban time. */
  bans(roomId: string): Promise<string[]>;
  /** The user's live rooms, most recently active first. */
  myRooms(userId: string, unreadCap: number): Promise<MyRoomRecord[]>;
  /** One of the user's live rooms, as in myRooms. */
  myRoom(userId: string, roomId: string, unreadCap: number): Promise<MyRoomRecord | undefined>;
  /**
   * Live public group and channel rooms whose name contains `query` (case-insensitive; all when
   * empty), ordered by id, after `after`.
   */
  directory(options: { query: string; after?: string; limit: number }): Promise<RoomRecord[]>;
  /**
   * The rooms a sync must look at, by room id: each current membership, and for every other room
   * the user was ever in, the latest membership, which ended. The caller keeps the ended ones its
   * cursor has not seen the end of.
   */
  syncRooms(userId: string): Promise<SyncRoomRecord[]>;
  /** A message with its reactions. */
  message(messageId: string): Promise<MessageRecord | undefined>;
  /** Several messages with reactions, in the order of the ids; missing ones are left out. */
  messagesById(ids: readonly string[]): Promise<MessageRecord[]>;
  /**
   * Messages of a room with seq in (afterSeq, beforeSeq), with reactions, ascending. With
   * `newest`, the `limit` highest of that range, else the `limit` lowest.
   */
  messages(
    roomId: string,
    range: { afterSeq?: number; beforeSeq?: number; limit: number; newest: boolean },
  ): Promise<MessageRecord[]>;
  /**
   * Full-text search over live messages of the given rooms, newest first. The query is words a
   * person typed: each word must match (prefix match on the last one); operators are not
   * interpreted.
   */
  search(roomIds: readonly string[], query: string, limit: number): Promise<MessageRecord[]>;
}

/** A relation with a time, such as a contact or a follow. */
export interface Since {
  userId: string;
  since: number;
}

/** Reads of contacts, requests, follows and blocks. Lists are oldest first. */
export interface PeopleReader {
  contacts(userId: string): Promise<Since[]>;
  isContact(a: string, b: string): Promise<boolean>;
  /** Pending requests the user sent (`to`) and received (`from`). */
  requests(userId: string): Promise<{ outgoing: Since[]; incoming: Since[] }>;
  /** Whether `fromId` has a pending request to `toId`. */
  hasRequest(fromId: string, toId: string): Promise<boolean>;
  followers(userId: string): Promise<Since[]>;
  following(userId: string): Promise<Since[]>;
  isFollowing(followerId: string, followeeId: string): Promise<boolean>;
  blocked(userId: string): Promise<Since[]>;
  /** Whether `blockerId` has blocked `blockedId`. */
  hasBlocked(blockerId: string, blockedId: string): Promise<boolean>;
}
