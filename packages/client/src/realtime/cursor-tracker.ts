import type { AnyEvent, Cursor } from '@natter/protocol';

/** How a logged event relates to the position of its stream. */
export type Verdict = 'next' | 'duplicate' | 'gap';

/**
 * The client's position in its user stream and in each room. It only moves when an event is
 * handed to the app, so a crash or a drop between receiving and delivering loses nothing: the
 * next sync starts from here.
 */
export class CursorTracker {
  #user: number;
  readonly #rooms: Map<string, number>;
  /** Rooms forgotten after the user left them, with the position then, so late copies of their events stay duplicates. */
  readonly #departed = new Map<string, number>();

  constructor(initial: Cursor = { user: 0, rooms: {} }) {
    this.#user = initial.user;
    this.#rooms = new Map(Object.entries(initial.rooms));
  }

  /** A plain copy to send with a sync or to persist; rooms in id order so equal cursors serialise alike. */
  get value(): Cursor {
    const rooms: Record<string, number> = {};
    for (const id of [...this.#rooms.keys()].sort()) rooms[id] = this.#rooms.get(id) ?? 0;
    return { user: this.#user, rooms };
  }

  /** True when the cursor names this room. */
  has(roomId: string): boolean {
    return this.#rooms.has(roomId);
  }

  /** A room's position; 0 for a room the cursor does not name (or where the user's membership ended). */
  roomPosition(roomId: string): number {
    return this.#rooms.get(roomId) ?? this.#departed.get(roomId) ?? 0;
  }

  /** The stream position `event` is judged against. */
  position(event: AnyEvent): number {
    return event.stream === 'user' ? this.#user : this.roomPosition(event.roomId);
  }

  /** Whether `event` is the next one of its stream, one already delivered, or one past a hole. */
  verdict(event: AnyEvent): Verdict {
    const position = this.position(event);
    if (event.seq <= position) return 'duplicate';
    return event.seq === position + 1 ? 'next' : 'gap';
  }

  /** Moves the event's stream to the event: call only once it has been delivered. */
  advance(event: AnyEvent): void {
    if (event.stream === 'user') this.#user = Math.max(this.#user, event.seq);
    else this.#rooms.set(event.roomId, Math.max(this.#rooms.get(event.roomId) ?? 0, event.seq));
  }

  /** Sets a room's position, for a room that starts at a known point (joined, or past a limited reply). */
  setRoom(roomId: string, seq: number): void {
    this.#departed.delete(roomId);
    this.#rooms.set(roomId, seq);
  }

  /**
   * Stops following a room the user is no longer in. The server answers nothing about a room left
   * before the cursor's position, so keeping it would only make every later sync longer.
   */
  forget(roomId: string): void {
    const position = this.#rooms.get(roomId);
    if (position === undefined) return;
    this.#rooms.delete(roomId);
    this.#departed.set(roomId, position);
  }
}
