import type { MemberRole, Membership, Message, Room } from '@natter/protocol';

/** A room's settings as both events and fetches can rebuild them: everything but the join code. */
export type ComparableRoom = Omit<Room, 'joinCode'>;

/** A member of a room without the profile and presence (which no event keeps current). */
export interface MemberSnapshot {
  readonly userId: string;
  readonly role: MemberRole;
  readonly joinedAt: string;
  /** Null in channels, where read markers are private. */
  readonly readSeq: number | null;
  readonly mutedUntil: string | null;
}

/** A relation with one person and when it began (for requests: when sent). */
export interface Relation {
  readonly userId: string;
  readonly since: string;
}

/** One room in a snapshot. */
export interface RoomSnapshot {
  readonly id: string;
  /** Null while only events that do not carry the settings (no room.created, no snapshot) were seen. */
  readonly room: ComparableRoom | null;
  /** The user's own membership; null when not known yet. */
  readonly membership: Membership | null;
  /** Messages by others after the read marker, not deleted, capped at 1000. */
  readonly unreadCount: number;
  /** By user id. */
  readonly members: readonly MemberSnapshot[];
  /** By seq; deleted ones as tombstones. */
  readonly messages: readonly Message[];
}

/**
 * The comparable part of a chat state, as plain data sorted by id, so two states can be compared
 * with a deep equality or JSON. What is left out, and why:
 * - profiles (display name, bio): no event announces a profile change, so events cannot keep them;
 * - presence and typing: ephemeral, never logged;
 * - `joinCode`: no event carries it;
 * - `lastMessageId` and `peer` of MyRoom: derivable from messages and members.
 * What is included is comparable when the event-built state saw its rooms from their first event
 * (or had its gaps filled with history pages) and the fetched state paged through all history and
 * members. `unreadCount` is exact when every message after the read marker is known; otherwise it
 * is the server's last count adjusted by the events since.
 */
export interface ChatSnapshot {
  /** By room id. */
  readonly rooms: readonly RoomSnapshot[];
  readonly contacts: readonly Relation[];
  readonly incoming: readonly Relation[];
  readonly outgoing: readonly Relation[];
  readonly followers: readonly Relation[];
  readonly following: readonly Relation[];
  readonly blocked: readonly Relation[];
}
