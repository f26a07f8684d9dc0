import type { MemberRole, RoomKind } from '@natter/protocol';
import type {
  Change,
  NewEvent,
  Requirement,
  RequirementCode,
  StoredEvent,
  Write,
  WriteResult,
} from '../ports/index.ts';

// What the SQLite and PostgreSQL event logs decide the same way: which writes are well formed,
// which streams a batch touches, how a requirement is judged on the state it reads, what a txn
// id that was seen before means, and how a new event becomes a stored one. Each engine only
// reads the facts and writes the rows.

/** The write's one room event, if it has one. */
export function roomEventOf(write: Write): (NewEvent & { stream: { room: string } }) | undefined {
  for (const event of write.events) if ('room' in event.stream) return event as NewEvent & { stream: { room: string } };
  return undefined;
}

/** The room whose seq a change takes (see Change), or undefined when it takes none. */
export function seqRoomOf(change: Change): string | undefined {
  if (change.op === 'message.insert') return change.message.roomId;
  const takesSeq = change.op === 'member.add' || change.op === 'member.remove' || change.op === 'room.delete';
  return takesSeq ? change.roomId : undefined;
}

/**
 * Throws a TypeError for a write the log cannot apply as documented: more than one room event, a
 * txn or a seq-taking change or a roomSeqField without the room event it refers to. These are
 * bugs in the caller, so the whole commit is refused before anything is stored.
 */
export function checkWrites(writes: readonly Write[]): void {
  for (const write of writes) {
    const roomEvents = write.events.filter((event) => 'room' in event.stream);
    if (roomEvents.length > 1) throw new TypeError('a write has at most one room event');
    const roomId = roomEventOf(write)?.stream.room;
    if (write.txn !== undefined && write.txn.roomId !== roomId) {
      throw new TypeError(`a write with a txn needs its room event in the txn's room ${write.txn.roomId}`);
    }
    if (write.txn !== undefined && !sendsOneMessage(write, write.txn)) {
      throw new TypeError("a write with a txn sends one message, the txn user's, in the txn's room");
    }
    for (const change of write.changes) {
      const seqRoom = seqRoomOf(change);
      if (seqRoom !== undefined && seqRoom !== roomId) {
        throw new TypeError(`${change.op} takes the seq of a room event in room ${seqRoom}, and the write has none`);
      }
    }
    for (const event of write.events) {
      if (event.roomSeqField === undefined) continue;
      if (roomId === undefined) throw new TypeError('roomSeqField needs a room event in the same write');
      if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
        throw new TypeError('roomSeqField needs data to be an object');
      }
    }
  }
}

/**
 * True when `write` inserts exactly one message, sent by the txn's user in the txn's room: a txn
 * id makes a send idempotent, and the log keeps it on that message (no table of its own).
 */
function sendsOneMessage(write: Write, txn: NonNullable<Write['txn']>): boolean {
  const sent = write.changes.filter((change) => change.op === 'message.insert');
  const [only] = sent;
  return sent.length === 1 && only?.message.senderId === txn.userId && only.message.roomId === txn.roomId;
}

/** Every room and user stream a batch touches, each list sorted and without repeats. */
export function streamsOf(writes: readonly Write[]): { rooms: string[]; users: string[] } {
  const rooms = new Set<string>();
  const users = new Set<string>();
  for (const write of writes) {
    for (const event of write.events) {
      if ('room' in event.stream) rooms.add(event.stream.room);
      else users.add(event.stream.user);
    }
    for (const requirement of write.require) if ('roomId' in requirement) rooms.add(requirement.roomId);
    for (const change of write.changes) if ('roomId' in change) rooms.add(change.roomId);
    // The txn's user too: claims of one user's txn ids are then made one transaction at a time,
    // so a txn id reused for two rooms at once is told apart instead of colliding at insert.
    if (write.txn !== undefined) users.add(write.txn.userId);
  }
  return { rooms: [...rooms].sort(), users: [...users].sort() };
}

/** What a requirement on a room reads. */
export interface RoomFact {
  kind: RoomKind;
  /** Private or direct: a non-member must not learn that it exists. */
  hidden: boolean;
  /** A direct room's two people (`lib/direct-key.ts`); null for other rooms. */
  directKey: string | null;
  deletedAt: number | null;
  memberCount: number;
}

/** What a requirement on a current membership reads. */
export interface MemberFact {
  role: MemberRole;
  mutedUntil: number | null;
  readSeq: number;
}

/** What a requirement on a message reads. */
export interface MessageFact {
  roomId: string;
  editedAt: number | null;
  deletedAt: number | null;
}

/** State as it is inside the committing transaction, as requirements need it. */
export interface Facts {
  room(roomId: string): RoomFact | undefined;
  /** The current membership, if any. */
  member(roomId: string, userId: string): MemberFact | undefined;
  banned(roomId: string, userId: string): boolean;
  message(messageId: string): MessageFact | undefined;
  reacted(messageId: string, userId: string, emoji: string): boolean;
  /** The distinct emoji on a message. */
  emojis(messageId: string): readonly string[];
  /** In a direct room, whether the other person has blocked `userId`; false in other rooms. */
  blockedByPeer(roomId: string, userId: string): boolean;
}

const rank: Record<MemberRole, number> = { member: 0, admin: 1, owner: 2 };

type Judge<C extends Requirement['check']> = (
  requirement: Extract<Requirement, { check: C }>,
  facts: Facts,
) => RequirementCode | undefined;

/** Each check's rule: the failure code, or undefined when it holds. */
const judges: { [C in Requirement['check']]: Judge<C> } = {
  'room.live': (r, f) => (f.room(r.roomId)?.deletedAt === null ? undefined : 'room_not_found'),
  member: (r, f) => (f.member(r.roomId, r.userId) ? undefined : 'not_a_member'),
  'not.member': (r, f) => (f.member(r.roomId, r.userId) ? 'already_member' : undefined),
  role: (r, f) => {
    const member = f.member(r.roomId, r.userId);
    return member && rank[member.role] >= rank[r.atLeast] ? undefined : 'forbidden';
  },
  'can.post': (r, f) => {
    const member = f.member(r.roomId, r.userId);
    if (!member) return f.room(r.roomId)?.hidden === false ? 'not_a_member' : 'room_not_found';
    if (f.room(r.roomId)?.kind === 'channel' && member.role === 'member') return 'cannot_post';
    return member.mutedUntil !== null && member.mutedUntil > r.now ? 'muted' : undefined;
  },
  'not.blocked': (r, f) => (f.blockedByPeer(r.roomId, r.userId) ? 'blocked' : undefined),
  'not.banned': (r, f) => (f.banned(r.roomId, r.userId) ? 'banned' : undefined),
  capacity: (r, f) => ((f.room(r.roomId)?.memberCount ?? 0) < r.max ? undefined : 'room_full'),
  'message.live': (r, f) => {
    const message = f.message(r.messageId);
    return message?.roomId === r.roomId && message.deletedAt === null ? undefined : 'message_not_found';
  },
  'message.unchanged': (r, f) => {
    const message = f.message(r.messageId);
    return message?.editedAt === r.editedAt && message.deletedAt === r.deletedAt ? undefined : 'message_changed';
  },
  'reaction.absent': (r, f) => (f.reacted(r.messageId, r.userId, r.emoji) ? 'reaction_exists' : undefined),
  'reaction.present': (r, f) => (f.reacted(r.messageId, r.userId, r.emoji) ? undefined : 'reaction_missing'),
  'reaction.room': (r, f) => {
    const emojis = f.emojis(r.messageId);
    return emojis.includes(r.emoji) || emojis.length < r.maxDistinct ? undefined : 'reaction_limit';
  },
  'read.ahead': (r, f) => {
    const member = f.member(r.roomId, r.userId);
    return member !== undefined && member.readSeq < r.seq ? undefined : 'read_not_ahead';
  },
};

/** The code of the first requirement that fails, in order, or undefined when all hold. */
export function firstFailure(requirements: readonly Requirement[], facts: Facts): RequirementCode | undefined {
  for (const requirement of requirements) {
    const judge = judges[requirement.check] as Judge<Requirement['check']>;
    const code = judge(requirement, facts);
    if (code !== undefined) return code;
  }
  return undefined;
}

/** A txn id found in the store: the room it was used for and the room event it produced. */
export interface TxnFact {
  roomId: string;
  event: StoredEvent;
}

/**
 * What a txn id seen before means for a write: the original room event again (stored nothing), or
 * txn_id_conflict when it was used for another room. Undefined when the write goes ahead.
 */
export function txnOutcome(write: Write, found: TxnFact | undefined): WriteResult | undefined {
  if (write.txn === undefined || found === undefined) return undefined;
  if (found.roomId !== write.txn.roomId) return { ok: false, code: 'txn_id_conflict' };
  return { ok: true, events: [found.event], duplicate: true };
}

/** A new event as stored: its seq, the write's time, and the room seq filled in where asked. */
export function storedEvent(event: NewEvent, seq: number, at: number, roomSeq: number | undefined): StoredEvent {
  const data =
    event.roomSeqField === undefined ? event.data : { ...(event.data as object), [event.roomSeqField]: roomSeq };
  const stream = 'room' in event.stream ? 'room' : 'user';
  const streamId = 'room' in event.stream ? event.stream.room : event.stream.user;
  return { stream, streamId, seq, type: event.type, actorId: event.actorId, data, at };
}

/** JSON text of a value, with `undefined` stored as null (JSON has no undefined). */
export function jsonText(value: unknown): string {
  // JSON.stringify answers undefined for undefined (and functions), though its type says string.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? 'null';
}

/**
 * Changes a correct caller can see collide with a unique constraint (two people opening the same
 * direct room at once, a relation that already exists): the log runs a write with any of them
 * inside a savepoint, so the collision undoes that write alone and answers unique_violation. A
 * message id is not among them: ids are chosen by the server (UUIDv7), so a repeat is a bug and
 * fails the batch, which spares every send a savepoint.
 */
export function mayCollide(change: Change): boolean {
  return collidingOps.has(change.op);
}

const collidingOps = new Set<Change['op']>([
  'room.create',
  'room.update',
  'member.add',
  'ban.add',
  'reaction.add',
  'contact.request',
  'contact.add',
  'follow.add',
  'block.add',
]);

/** The answer for a write that collided with a unique field. */
export function uniqueViolation(field: string): WriteResult {
  return { ok: false, code: 'unique_violation', field };
}

type RoomPatch = Extract<Change, { op: 'room.update' }>['patch'];

/**
 * A room.update patch as statement parameters: for each column a 0/1 "set" flag and its value, so
 * one prepared statement serves every patch shape and a null (no password, no code, no owner) is
 * told apart from "leave as it is".
 */
export function roomPatchParams(patch: RoomPatch) {
  const flag = (value: unknown) => (value === undefined ? 0 : 1);
  return {
    setName: flag(patch.name),
    name: patch.name ?? null,
    nameLower: patch.name?.toLowerCase() ?? null,
    setTopic: flag(patch.topic),
    topic: patch.topic ?? null,
    setVisibility: flag(patch.visibility),
    visibility: patch.visibility ?? null,
    setPasswordHash: flag(patch.passwordHash),
    passwordHash: patch.passwordHash ?? null,
    setJoinCode: flag(patch.joinCode),
    joinCode: patch.joinCode ?? null,
    setOwnerId: flag(patch.ownerId),
    ownerId: patch.ownerId ?? null,
  };
}
