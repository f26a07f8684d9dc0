import {
  bindChatState,
  ChatState,
  NatterApiError,
  RealtimeConnection,
  type ConnectionState,
  type Message,
  type MyRoom,
  type NatterClient,
  type PendingSend,
  type PublicUser,
  type RoomSnapshot,
  type SelfUser,
  type SendBody,
  type SendResult,
} from '@natter/client';

/** How long a "typing" signal lasts without a refresh (the server's typing frames say stop, too). */
const typingTtlMs = 6000;
/** Messages fetched per history page. */
export const historyPage = 50;

/** A send the server refused for good or that could not be delivered; shown with a Retry button. */
export interface FailedSend {
  readonly send: PendingSend;
  readonly error: string;
}

/** A room as the sidebar lists it. */
export interface RoomListing {
  readonly snapshot: RoomSnapshot;
  readonly title: string;
  readonly kind: 'direct' | 'group' | 'channel';
  readonly peerId: string | null;
  readonly last: Message | null;
  readonly unread: number;
}

/**
 * Everything the web app knows while signed in: a ChatState fed by one RealtimeConnection, the
 * sends not yet acknowledged (optimistic messages), typing, and profiles fetched on demand. React
 * reads it through `useStore` and re-renders when `version` moves.
 */
export class ChatStore {
  readonly client: NatterClient;
  readonly state: ChatState;
  readonly connection: RealtimeConnection;
  me: SelfUser;
  connectionState: ConnectionState = 'connecting';
  /** True once the first sync finished: the room list is complete. */
  ready = false;
  readonly failed = new Map<string, FailedSend>();
  /** roomId → userId → when the signal expires. */
  readonly typing = new Map<string, Map<string, number>>();
  /** Rooms whose latest page and members were fetched since the app started. */
  readonly #loaded = new Set<string>();
  /** Rooms with older history still to page in (true) or known complete (false). */
  readonly moreBefore = new Map<string, boolean>();
  readonly #profiles = new Map<string, PublicUser>();
  /** The other person of each direct room, as listMyRooms and openDirect report it. */
  readonly #peers = new Map<string, string>();
  readonly #asked = new Set<string>();
  readonly #listeners = new Set<() => void>();
  #version = 0;
  #scheduled = false;
  readonly #stops: (() => void)[] = [];

  constructor(client: NatterClient, me: SelfUser) {
    this.client = client;
    this.me = me;
    this.state = new ChatState(me.id);
    this.connection = new RealtimeConnection(client, { syncLimit: historyPage });
    // The SDK backs off up to 30 s between attempts; the browser knows sooner when the network is back.
    const wake = () => {
      this.connection.reconnectNow();
    };
    const wakeIfShown = () => {
      if (document.visibilityState === 'visible') wake();
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', wakeIfShown);
    this.#stops.push(
      () => {
        window.removeEventListener('online', wake);
        document.removeEventListener('visibilitychange', wakeIfShown);
      },
      bindChatState(this.connection, this.state),
      this.connection.on('event', () => {
        this.changed();
      }),
      this.connection.on('room', () => {
        this.changed();
      }),
      this.connection.on('presence', () => {
        this.changed();
      }),
      this.connection.on('state', (state) => {
        this.connectionState = state;
        if (state === 'live' && !this.ready) {
          this.ready = true;
          void this.#afterFirstSync();
        }
        this.changed();
      }),
      this.connection.on('gap', ({ roomId }) => {
        // History before the gap is paged in when the room is looked at.
        this.moreBefore.set(roomId, true);
        this.changed();
      }),
      this.connection.on('typing', ({ roomId, userId, typing }) => {
        if (userId === this.me.id) return;
        const people = this.typing.get(roomId) ?? new Map<string, number>();
        if (typing) people.set(userId, Date.now() + typingTtlMs);
        else people.delete(userId);
        this.typing.set(roomId, people);
        this.changed();
        if (typing) {
          setTimeout(() => {
            this.changed();
          }, typingTtlMs + 50);
        }
      }),
      this.connection.on('pending', () => {
        this.changed();
      }),
      this.connection.on('acked', () => {
        this.changed();
      }),
      this.connection.on('failed', ({ send, error }) => {
        this.failed.set(send.txnId, { send, error: describeError(error) });
        this.changed();
      }),
    );
  }

  /** Bumps the version once per turn, however many changes happened in it. */
  changed(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#version++;
      for (const listener of this.#listeners) listener();
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getVersion = (): number => this.#version;

  /** Stops the connection; the store is not used after this. */
  close(): void {
    for (const stop of this.#stops) stop();
    this.connection.close();
  }

  async #afterFirstSync(): Promise<void> {
    try {
      const [rooms, contacts, follows, blocks] = await Promise.all([
        this.connection.call('listMyRooms'),
        this.connection.call('listContacts'),
        this.connection.call('listFollows'),
        this.connection.call('listBlocks'),
      ]);
      for (const myRoom of rooms.rooms) this.applyMyRoom(myRoom);
      this.state.applyContacts(contacts);
      this.state.applyFollows(follows);
      this.state.applyBlocks(blocks);
      this.watchPresence();
    } catch {
      // The sync already delivered the rooms; the server's counts come with the next load.
    }
    this.changed();
  }

  /** Applies a room as the server answered it (listMyRooms, openDirect, createRoom, joinRoom…). */
  applyMyRoom(myRoom: MyRoom): void {
    this.state.applyMyRoom(myRoom);
    if (myRoom.peer) this.#peers.set(myRoom.room.id, myRoom.peer.id);
    this.changed();
  }

  /** Watches the presence of contacts and of the other person in each direct room. */
  watchPresence(): void {
    const ids = new Set(this.state.snapshot().contacts.map((c) => c.userId));
    for (const listing of this.rooms()) if (listing.peerId) ids.add(listing.peerId);
    void this.connection.watchPresence([...ids].slice(0, 500)).catch(() => undefined);
  }

  /** A person's profile: from the state, else fetched once in the background. */
  user(userId: string | null): PublicUser | undefined {
    if (userId === null) return undefined;
    if (userId === this.me.id) return this.me;
    const known = this.state.user(userId) ?? this.#profiles.get(userId);
    if (!known && !this.#asked.has(userId)) {
      this.#asked.add(userId);
      void this.client.request('getUser', { params: { userId } }).then(
        (user) => {
          this.#profiles.set(user.id, user);
          this.changed();
        },
        () => undefined,
      );
    }
    return known;
  }

  /** The name to show for a person. */
  nameOf(userId: string | null): string {
    if (userId === null) return 'Deleted account';
    const user = this.user(userId);
    return user ? user.displayName || user.username : '…';
  }

  /** Every room the user is in, most recently active first. */
  rooms(): RoomListing[] {
    const listings: RoomListing[] = [];
    for (const snapshot of this.state.snapshot().rooms) {
      const room = snapshot.room;
      if (!room || !snapshot.membership) continue;
      const peerId =
        room.kind === 'direct'
          ? (snapshot.members.find((m) => m.userId !== this.me.id)?.userId ?? this.#peers.get(room.id) ?? null)
          : null;
      const visible = snapshot.messages.filter((m) => m.deletedAt === null);
      listings.push({
        snapshot,
        title: room.kind === 'direct' ? this.nameOf(peerId) : room.name,
        kind: room.kind,
        peerId,
        last: visible.at(-1) ?? null,
        unread: snapshot.unreadCount,
      });
    }
    const activity = (l: RoomListing) => l.last?.createdAt ?? l.snapshot.room?.createdAt ?? '';
    return listings.sort((a, b) => activity(b).localeCompare(activity(a)));
  }

  /** Fetches a room's latest messages and its members the first time it is opened. */
  async openRoom(roomId: string): Promise<void> {
    if (this.#loaded.has(roomId)) return;
    this.#loaded.add(roomId);
    try {
      const [page, members] = await Promise.all([
        this.connection.call('listMessages', { params: { roomId }, query: { limit: historyPage } }),
        this.connection.call('listMembers', { params: { roomId }, query: { limit: 100 } }),
      ]);
      this.state.applyHistoryPage(roomId, page, { limit: historyPage });
      this.state.applyMembers(roomId, members, {});
      this.moreBefore.set(roomId, page.hasMoreBefore);
    } catch {
      this.#loaded.delete(roomId);
    }
    this.changed();
  }

  /** Pages in the messages before the oldest one shown; false when there are none. */
  async loadOlder(roomId: string): Promise<boolean> {
    const first = this.state.messages(roomId)[0];
    if (!first || this.moreBefore.get(roomId) === false) return false;
    const query = { before: first.seq, limit: historyPage };
    const page = await this.connection.call('listMessages', { params: { roomId }, query });
    this.state.applyHistoryPage(roomId, page, query);
    this.moreBefore.set(roomId, page.hasMoreBefore);
    this.changed();
    return page.messages.length > 0;
  }

  /** Sends a message optimistically; it shows as pending until acknowledged. */
  send(roomId: string, body: SendBody): Promise<SendResult> {
    const result = this.connection.send(roomId, body);
    this.changed();
    return result;
  }

  /** Sends a failed message again with its original txnId, so it can never be stored twice. */
  retry(txnId: string): void {
    const failed = this.failed.get(txnId);
    if (!failed) return;
    this.failed.delete(txnId);
    void this.send(failed.send.roomId, failed.send.request).catch(() => undefined);
  }

  /** Forgets a failed send. */
  discard(txnId: string): void {
    this.failed.delete(txnId);
    this.changed();
  }

  /** Sends not yet acknowledged or failed in one room, oldest first. */
  pendingIn(roomId: string): { send: PendingSend; error: string | null }[] {
    const pending = this.connection.outbox
      .filter((s) => s.roomId === roomId)
      .map((send) => ({ send, error: null as string | null }));
    for (const { send, error } of this.failed.values()) if (send.roomId === roomId) pending.push({ send, error });
    return pending;
  }

  /** Who is typing in a room now, other than the user. */
  typingIn(roomId: string): string[] {
    const now = Date.now();
    return [...(this.typing.get(roomId) ?? new Map<string, number>())]
      .filter(([, until]) => until > now)
      .map(([userId]) => userId);
  }

  /** Moves the read marker to `seq` when it is ahead of the current one. */
  markRead(roomId: string, seq: number): void {
    const membership = this.state.room(roomId)?.membership;
    if (!membership || membership.readSeq >= seq) return;
    void this.connection.call('markRead', { params: { roomId }, body: { seq } }).catch(() => undefined);
  }
}

/** A short sentence for an error, for a failed send or a form. */
export function describeError(error: unknown): string {
  if (error instanceof NatterApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
