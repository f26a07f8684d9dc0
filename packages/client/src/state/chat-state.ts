import type {
  AnyEvent,
  BlockList,
  ContactList,
  Cursor,
  FollowList,
  HistoryPage,
  HistoryQuery,
  MemberListQuery,
  MemberPage,
  Message,
  MyRoom,
  PublicUser,
  Room,
  RoomEvent,
  UserEvent,
} from '@natter/protocol';
import type { ChatSnapshot, RoomSnapshot } from './chat-state-types.ts';
import { departRoom, emptyModel, roomEntry, storeMessage, unreadExact, updateUnread, type Model } from './model.ts';
import { roomEventHandlers } from './room-events.ts';
import { chatSnapshot, roomSnapshot } from './snapshot.ts';
import { userEventHandlers } from './user-events.ts';

type AnyHandler<C> = (context: C, event: AnyEvent) => void;

/** The seqs (lower, upper] a history page holds every message of; null when that cannot be told. */
function pageRange(page: HistoryPage, query: HistoryQuery): { lower: number; upper: number } | null {
  if (query.around !== undefined) return null;
  const first = page.messages[0]?.seq;
  const last = page.messages.at(-1)?.seq;
  if (query.after !== undefined) {
    return { lower: query.after, upper: page.hasMoreAfter ? (last ?? query.after) : Infinity };
  }
  if (page.hasMoreBefore && first === undefined) return null;
  const lower = page.hasMoreBefore && first !== undefined ? first - 1 : 0;
  return { lower, upper: query.before !== undefined ? query.before - 1 : Infinity };
}

/**
 * A client-side model of everything a user sees: rooms, messages, members, read markers, contacts,
 * follows and blocks. It is a deterministic reducer — no I/O, no clock, no randomness — fed with
 * logged events (from RealtimeConnection's `event`), room snapshots (`room`), and REST answers.
 * Applying an event twice changes nothing. `snapshot()` gives the comparable part as plain sorted
 * data, so a state built from events can be compared with one built from a fresh fetch.
 */
export class ChatState {
  readonly #model: Model;
  #version = 0;

  /** An empty state for the signed-in user `me` (their id decides direction: incoming or outgoing, own marker). */
  constructor(me: string) {
    this.#model = emptyModel(me);
  }

  /** Goes up by one with every change, so a UI can tell cheaply whether to render again. */
  get version(): number {
    return this.#version;
  }

  /** Applies a logged event; false when it was already applied or is about a room the user has since left. */
  apply(event: AnyEvent): boolean {
    const applied = event.stream === 'user' ? this.#applyUser(event) : this.#applyRoom(event);
    if (applied) this.#version++;
    return applied;
  }

  /** Applies a room's current settings (from a sync's `room`, or getRoom); null means the user is no longer in it. */
  applyRoom(roomId: string, room: Room | null): void {
    const model = this.#model;
    if (room === null) {
      departRoom(model, roomId, model.rooms.get(roomId)?.appliedSeq ?? 0);
    } else if ((model.departed.get(roomId) ?? 0) < room.lastSeq) {
      model.departed.delete(roomId);
      const entry = roomEntry(model, roomId);
      // A snapshot older than the settings already held would roll them back.
      if (entry.room === null || entry.room.lastSeq <= room.lastSeq) entry.room = room;
      if (room.kind === 'channel') {
        for (const [id, member] of entry.members) entry.members.set(id, { ...member, readSeq: null });
      }
    }
    this.#version++;
  }

  /** Applies a room as listMyRooms, getRoom, createRoom or joinRoom answer it: settings, membership, unread count. */
  applyMyRoom(myRoom: MyRoom): void {
    this.applyRoom(myRoom.room.id, myRoom.room);
    const entry = this.#model.rooms.get(myRoom.room.id);
    if (!entry) return;
    if (myRoom.peer) this.#model.users.set(myRoom.peer.id, myRoom.peer);
    entry.membership = myRoom.membership;
    // The server's count is authoritative as of the room's lastSeq; later events adjust it.
    entry.unread = myRoom.unreadCount;
    entry.unreadAsOf = myRoom.room.lastSeq;
  }

  /**
   * Applies a page of listMessages with the query that fetched it: its messages replace what was
   * known of them (they are the current state), and the query tells how much history is now known.
   */
  applyHistoryPage(roomId: string, page: HistoryPage, query: HistoryQuery = {}): void {
    const entry = roomEntry(this.#model, roomId);
    for (const message of page.messages) storeMessage(entry, message);
    const range = pageRange(page, query);
    // Known history grows only when the page reaches the part already known without holes.
    if (range && (entry.coveredFrom === null ? range.upper === Infinity : range.upper >= entry.coveredFrom)) {
      entry.coveredFrom = Math.min(entry.coveredFrom ?? Infinity, range.lower);
    }
    if (unreadExact(entry)) updateUnread(this.#model, entry, entry.appliedSeq, 0);
    this.#version++;
  }

  /** Applies a page of listMembers with its query; the first page (no `after`) replaces the member list. */
  applyMembers(roomId: string, page: MemberPage, query: MemberListQuery = {}): void {
    const entry = roomEntry(this.#model, roomId);
    if (query.after === undefined) entry.members.clear();
    for (const { user, role, joinedAt, readSeq, mutedUntil, online } of page.members) {
      this.#model.users.set(user.id, user);
      this.#model.presence.set(user.id, online);
      entry.members.set(user.id, { userId: user.id, role, joinedAt, readSeq, mutedUntil });
    }
    this.#version++;
  }

  /** Replaces contacts and pending requests with listContacts' answer. */
  applyContacts(list: ContactList): void {
    const { contacts, incoming, outgoing } = this.#model;
    this.#replace(
      contacts,
      list.contacts.map((c) => [c.user, c.since]),
    );
    this.#replace(
      incoming,
      list.incoming.map((r) => [r.from, r.createdAt]),
    );
    this.#replace(
      outgoing,
      list.outgoing.map((r) => [r.to, r.createdAt]),
    );
  }

  /** Replaces followers and following with listFollows' answer. */
  applyFollows(list: FollowList): void {
    this.#replace(
      this.#model.followers,
      list.followers.map((f) => [f.user, f.since]),
    );
    this.#replace(
      this.#model.following,
      list.following.map((f) => [f.user, f.since]),
    );
  }

  /** Replaces the blocked list with listBlocks' answer. */
  applyBlocks(list: BlockList): void {
    this.#replace(
      this.#model.blocked,
      list.blocked.map((b) => [b.user, b.since]),
    );
  }

  /** Records someone's presence (ephemeral: not part of the snapshot). */
  applyPresence(presence: { readonly userId: string; readonly online: boolean }): void {
    this.#model.presence.set(presence.userId, presence.online);
    this.#version++;
  }

  /** Declares that what was applied (a fetch) already reflects the events up to `cursor`, so replays of them are skipped. */
  markApplied(cursor: Cursor): void {
    this.#model.userSeq = Math.max(this.#model.userSeq, cursor.user);
    for (const [roomId, seq] of Object.entries(cursor.rooms)) {
      const entry = this.#model.rooms.get(roomId);
      if (entry) entry.appliedSeq = Math.max(entry.appliedSeq, seq);
    }
  }

  /** Where the state stands in each stream: a cursor to resume a RealtimeConnection from. */
  cursor(): Cursor {
    const rooms: Record<string, number> = {};
    for (const id of [...this.#model.rooms.keys()].sort()) rooms[id] = this.#model.rooms.get(id)?.appliedSeq ?? 0;
    return { user: this.#model.userSeq, rooms };
  }

  /** The comparable part of the state as plain sorted data (see ChatSnapshot for what is left out). */
  snapshot(): ChatSnapshot {
    return chatSnapshot(this.#model);
  }

  /** One room as plain data; undefined when the user is not in it. */
  room(roomId: string): RoomSnapshot | undefined {
    const entry = this.#model.rooms.get(roomId);
    return entry && roomSnapshot(entry);
  }

  /** A room's known messages by seq. */
  messages(roomId: string): Message[] {
    return this.room(roomId)?.messages.slice() ?? [];
  }

  /** The last profile seen of someone (from events or fetches); may be out of date. */
  user(userId: string): PublicUser | undefined {
    return this.#model.users.get(userId);
  }

  /** Whether someone is online, as last reported; undefined when never reported. */
  online(userId: string): boolean | undefined {
    return this.#model.presence.get(userId);
  }

  #applyUser(event: UserEvent): boolean {
    const model = this.#model;
    if (event.seq <= model.userSeq) return false;
    (userEventHandlers[event.type] as AnyHandler<Model> | undefined)?.(model, event);
    model.userSeq = event.seq;
    return true;
  }

  #applyRoom(event: RoomEvent): boolean {
    const model = this.#model;
    if ((model.departed.get(event.roomId) ?? 0) >= event.seq) return false;
    const entry = roomEntry(model, event.roomId);
    if (event.seq <= entry.appliedSeq) return false;
    // Messages are known without holes from where events began, or from after the latest gap.
    if (entry.appliedSeq === 0 ? entry.coveredFrom === null : event.seq > entry.appliedSeq + 1) {
      entry.coveredFrom = event.seq - 1;
    }
    const roomLevel = entry.room !== null && event.seq > entry.room.lastSeq;
    const handler = roomEventHandlers[event.type] as AnyHandler<typeof context> | undefined;
    const context = { model, entry, roomLevel };
    handler?.(context, event);
    if (model.rooms.get(event.roomId) !== entry) return true; // the event ended the membership
    entry.appliedSeq = event.seq;
    if (entry.room && entry.room.lastSeq < event.seq) entry.room = { ...entry.room, lastSeq: event.seq };
    return true;
  }

  #replace(map: Map<string, string>, entries: [PublicUser, string][]): void {
    map.clear();
    for (const [user, since] of entries) {
      this.#model.users.set(user.id, user);
      map.set(user.id, since);
    }
    this.#version++;
  }
}
