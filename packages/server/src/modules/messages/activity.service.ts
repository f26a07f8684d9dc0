import type { Message } from '@natter/protocol';
import type { NewEvent } from '../../ports/index.ts';
import { fail } from '../app-error.ts';
import type { Caller } from '../auth/auth-context.ts';
import type { ChatDeps } from '../chat-deps.ts';
import { refuseBlockedPeer, requireMember } from '../rooms/room-access.ts';
import { isAdminRole } from '../rooms/room-views.ts';
import { requirementError } from '../sync/committer.ts';
import { limits } from '@natter/protocol';
import { isSingleEmoji } from './mentions.ts';
import { toMessage } from './message-views.ts';

/** Reactions, read markers, typing and search: what happens around messages. */
export class ActivityService {
  readonly #d: ChatDeps;
  constructor(deps: ChatDeps) {
    this.#d = deps;
  }

  /** Adds or removes the caller's reaction; doing what is already done is not an error. */
  async react(caller: Caller, roomId: string, messageId: string, emoji: string, add: boolean): Promise<void> {
    if (!isSingleEmoji(emoji)) throw fail('invalid_emoji', 'A reaction is a single emoji.');
    const { room } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    const message = await this.#d.storage.rooms.message(messageId);
    if (!message || message.roomId !== roomId || message.deletedAt !== null) {
      throw fail('message_not_found', 'No such message in this room.');
    }
    // Taking a reaction back is allowed: it only withdraws what was said before the block.
    if (add) await refuseBlockedPeer(this.#d.storage.people, room, caller.userId);
    const now = this.#d.clock.now();
    const base = [
      { check: 'member', roomId, userId: caller.userId },
      { check: 'message.live', roomId, messageId },
    ] as const;
    const result = await this.#d.committer.submit({
      require: add
        ? [
            ...base,
            { check: 'reaction.absent', messageId, userId: caller.userId, emoji },
            { check: 'reaction.room', messageId, emoji, maxDistinct: limits.reactionsPerMessageMax },
          ]
        : [...base, { check: 'reaction.present', messageId, userId: caller.userId, emoji }],
      changes: [
        add
          ? { op: 'reaction.add', messageId, userId: caller.userId, emoji, at: now }
          : { op: 'reaction.remove', messageId, userId: caller.userId, emoji },
      ],
      events: [
        {
          stream: { room: roomId },
          type: add ? 'reaction.added' : 'reaction.removed',
          actorId: caller.userId,
          data: { messageId, emoji, userId: caller.userId },
        },
      ],
      at: now,
    });
    if (!result.ok && result.code !== 'reaction_exists' && result.code !== 'reaction_missing') {
      throw requirementError(result.code);
    }
  }

  /**
   * Moves the caller's read marker forward (never back, never past the room's latest event).
   * Direct and group members see each other's markers; in channels they stay private.
   */
  async markRead(caller: Caller, roomId: string, seq: number): Promise<void> {
    const { room } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    const target = Math.min(seq, room.lastSeq);
    const events: NewEvent[] = [
      { stream: { user: caller.userId }, type: 'read.updated', actorId: caller.userId, data: { roomId, seq: target } },
    ];
    if (room.kind !== 'channel') {
      events.unshift({
        stream: { room: roomId },
        type: 'read.updated',
        actorId: caller.userId,
        data: { userId: caller.userId, seq: target },
      });
    }
    const result = await this.#d.committer.submit({
      require: [
        { check: 'member', roomId, userId: caller.userId },
        { check: 'read.ahead', roomId, userId: caller.userId, seq: target },
      ],
      changes: [{ op: 'read.set', roomId, userId: caller.userId, seq: target }],
      events,
      at: this.#d.clock.now(),
    });
    if (!result.ok && result.code !== 'read_not_ahead') throw requirementError(result.code);
  }

  /** Tells the room the caller is typing, or stopped. Nothing is stored. */
  async typing(caller: Caller, roomId: string, typing: boolean): Promise<void> {
    const { room, member } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    if (room.kind === 'channel' && !isAdminRole(member.role))
      throw fail('cannot_post', 'Only the owner and admins post here.');
    await refuseBlockedPeer(this.#d.storage.people, room, caller.userId);
    this.#d.bus.publish({ kind: 'typing', roomId, userId: caller.userId, typing });
  }

  /** Full-text search over the caller's rooms (or one of them), newest first. */
  async search(caller: Caller, query: string, roomId: string | undefined, limit: number): Promise<Message[]> {
    const { rooms } = this.#d.storage;
    let roomIds: string[];
    if (roomId !== undefined) {
      await requireMember(rooms, roomId, caller.userId);
      roomIds = [roomId];
    } else {
      roomIds = (await rooms.syncRooms(caller.userId)).filter((r) => r.leftSeq === null).map((r) => r.roomId);
    }
    if (roomIds.length === 0 || query.trim() === '') return [];
    const found = await rooms.search(roomIds, query, limit);
    const replied = found.flatMap((m) => (m.replyToId === null ? [] : [m.replyToId]));
    const originals = new Map((await rooms.messagesById([...new Set(replied)])).map((m) => [m.id, m]));
    return found.map((m) => toMessage(m, originals));
  }
}
