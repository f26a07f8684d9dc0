// Small factories for logged events, for reducer tests: each log hands out the next seq of its stream.
import type { Message, PublicUser, RoomEvent, UserEvent } from '@natter/protocol';

type RoomEventOf<T extends RoomEvent['type']> = Extract<RoomEvent, { type: T }>;
type UserEventOf<T extends UserEvent['type']> = Extract<UserEvent, { type: T }>;

/** The ISO time of second `n` of the test epoch. */
export const time = (n: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();

/** A person. */
export function person(id: string): PublicUser {
  return { id, username: `user-${id}`, displayName: id.toUpperCase(), bio: '' };
}

/** One room's log. */
export class RoomLog {
  readonly roomId: string;
  seq = 0;

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  /** The next event of the room. */
  next<T extends RoomEvent['type']>(
    type: T,
    data: RoomEventOf<T>['data'],
    actorId: string | null = 'u2',
  ): RoomEventOf<T> {
    this.seq++;
    return {
      stream: 'room',
      roomId: this.roomId,
      seq: this.seq,
      type,
      actorId,
      at: time(this.seq),
      data,
    } as RoomEventOf<T>;
  }

  /** A message.created event for a text message. */
  message(body: string, senderId = 'u2', extra: Partial<Message> = {}): RoomEventOf<'message.created'> {
    const seq = this.seq + 1;
    return this.next('message.created', {
      message: {
        id: `m${seq}`,
        roomId: this.roomId,
        seq,
        senderId,
        kind: 'text',
        body,
        replyTo: null,
        forwardedFrom: null,
        file: null,
        mentions: [],
        reactions: [],
        createdAt: time(seq),
        editedAt: null,
        deletedAt: null,
        ...extra,
      },
    });
  }
}

/** One user's log. */
export class UserLog {
  seq = 0;

  /** The next event of the user's stream. */
  next<T extends UserEvent['type']>(
    type: T,
    data: UserEventOf<T>['data'],
    actorId: string | null = 'u2',
  ): UserEventOf<T> {
    this.seq++;
    return { stream: 'user', seq: this.seq, type, actorId, at: time(100 + this.seq), data } as UserEventOf<T>;
  }
}
