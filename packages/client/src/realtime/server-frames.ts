import {
  RoomEvent,
  UserEvent,
  type AnyEvent,
  type ErrorFrame,
  type HelloFrame,
  type PresenceFrame,
  type ResultFrame,
  type TypingFrame,
} from '@natter/protocol';

/** A server frame the connection understands, after a structural check of the fields it relies on. */
export type IncomingFrame =
  | HelloFrame
  | ResultFrame
  | ErrorFrame
  | TypingFrame
  | PresenceFrame
  | { readonly type: 'event'; readonly event: AnyEvent; readonly known: boolean };

// Known event types come from the protocol's own schemas, so a type added there is known here too.
function literalTypes(union: { anyOf: readonly { properties: { type: { const: string } } }[] }): Set<string> {
  return new Set(union.anyOf.map((schema) => schema.properties.type.const));
}
const knownRoomEvents = literalTypes(RoomEvent);
const knownUserEvents = literalTypes(UserEvent);

type Fields = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isId = (value: unknown): value is string | number =>
  typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function readEvent(value: unknown): { event: AnyEvent; known: boolean } | null {
  if (!isObject(value) || typeof value.type !== 'string' || !isSeq(value.seq) || !isObject(value.data)) return null;
  if (value.stream === 'user') return { event: value as unknown as AnyEvent, known: knownUserEvents.has(value.type) };
  if (value.stream === 'room' && typeof value.roomId === 'string') {
    return { event: value as unknown as AnyEvent, known: knownRoomEvents.has(value.type) };
  }
  return null;
}

/**
 * Checks the shape of a decoded server frame. Only the fields the connection acts on are checked,
 * not the closed schemas: a newer server may add fields within a protocol version, and clients
 * must ignore what they do not know. Returns null for frames of an unknown type.
 */
export function readServerFrame(value: unknown): IncomingFrame | null {
  if (!isObject(value)) return null;
  switch (value.type) {
    case 'hello':
      return typeof value.userId === 'string' ? (value as unknown as HelloFrame) : null;
    case 'result':
      return isId(value.id) ? (value as unknown as ResultFrame) : null;
    case 'error': {
      const error = value.error;
      const valid = isObject(error) && typeof error.code === 'string' && typeof error.message === 'string';
      return valid && (isId(value.id) || value.id === null) ? (value as unknown as ErrorFrame) : null;
    }
    case 'event': {
      const read = readEvent(value.event);
      return read && { type: 'event', ...read };
    }
    case 'typing':
      return typeof value.roomId === 'string' && typeof value.userId === 'string' && typeof value.typing === 'boolean'
        ? (value as unknown as TypingFrame)
        : null;
    case 'presence':
      return typeof value.userId === 'string' && typeof value.online === 'boolean'
        ? (value as unknown as PresenceFrame)
        : null;
    default:
      return null;
  }
}

/** Structural check of a sync answer's events, for the same reason as readServerFrame. */
export function readEvents(values: unknown): { event: AnyEvent; known: boolean }[] {
  if (!Array.isArray(values)) throw new TypeError('Expected an array of events');
  return values.map((value) => {
    const read = readEvent(value);
    if (!read) throw new TypeError('Unreadable event in a sync answer');
    return read;
  });
}

/**
 * The presence states in a `presence.watch` answer (`{ users: [{ userId, online }] }` from the
 * server; the protocol does not define it yet), as presence frames; anything unreadable is skipped.
 */
export function readPresenceAnswer(answer: unknown): PresenceFrame[] {
  const users = isObject(answer) && Array.isArray(answer.users) ? (answer.users as unknown[]) : [];
  return users.flatMap((user) =>
    isObject(user) && typeof user.userId === 'string' && typeof user.online === 'boolean'
      ? [{ type: 'presence' as const, userId: user.userId, online: user.online }]
      : [],
  );
}
