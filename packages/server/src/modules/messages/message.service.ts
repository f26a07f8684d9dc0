import type { HistoryPage, HistoryQuery, Message, SendMessageRequest, SendResult } from '@natter/protocol';
import type { MessageRecord, NewEvent } from '../../ports/index.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { fail } from '../app-error.ts';
import type { Caller } from '../auth/auth-context.ts';
import type { ChatDeps } from '../chat-deps.ts';
import { refuseBlockedPeer, requireMember } from '../rooms/room-access.ts';
import { isAdminRole } from '../rooms/room-views.ts';
import { requirementError, type Committed } from '../sync/committer.ts';
import { toWire } from '../sync/wire.ts';
import { mentionedUsernames } from './mentions.ts';
import { toMessage } from './message-views.ts';

const encoder = new TextEncoder();

/**
 * How long a send's transaction id is remembered: a retry within it is answered with the original,
 * after it the id is free again. Far longer than any client retries a send (docs/protocol.md).
 */
const txnRetentionDays = 30;
const txnRetentionMs = txnRetentionDays * 24 * 60 * 60 * 1000;

/** Sending, reading, editing and deleting messages. */
export class MessageService {
  readonly #d: ChatDeps;
  constructor(deps: ChatDeps) {
    this.#d = deps;
  }

  #checkLength(body: string): void {
    const max = this.#d.limits.messageMaxBytes;
    if (encoder.encode(body).length > max) {
      throw fail('message_too_long', `A message is at most ${max} bytes of UTF-8.`, { maxBytes: max });
    }
  }

  /** Current members among the people named with @, as ids. */
  async #mentions(roomId: string, body: string): Promise<string[]> {
    const { users, rooms } = this.#d.storage;
    const ids: string[] = [];
    for (const name of mentionedUsernames(body).slice(0, 50)) {
      const user = await users.findByUsername(name);
      if (user && (await rooms.member(roomId, user.id))) ids.push(user.id);
    }
    return ids;
  }

  /** Mention notifications for `ids` other than the sender. */
  #mentionEvents(senderId: string, roomId: string, messageId: string, ids: readonly string[]): NewEvent[] {
    return ids
      .filter((id) => id !== senderId)
      .map((id) => ({
        stream: { user: id },
        type: 'mention',
        actorId: senderId,
        data: { roomId, messageId },
        roomSeqField: 'seq',
      }));
  }

  async #originals(records: readonly MessageRecord[]): Promise<Map<string, MessageRecord>> {
    const have = new Map(records.map((m) => [m.id, m]));
    const missing = records.flatMap((m) => (m.replyToId !== null && !have.has(m.replyToId) ? [m.replyToId] : []));
    for (const m of await this.#d.storage.rooms.messagesById([...new Set(missing)])) have.set(m.id, m);
    return have;
  }

  async #present(records: readonly MessageRecord[]): Promise<Message[]> {
    const originals = await this.#originals(records);
    return records.map((m) => toMessage(m, originals));
  }

  /** A message of this room, or message_not_found. */
  async #inRoom(roomId: string, messageId: string): Promise<MessageRecord> {
    const message = await this.#d.storage.rooms.message(messageId);
    if (!message || message.roomId !== roomId) throw fail('message_not_found', 'No such message in this room.');
    return message;
  }

  /** Sends a message; a retry with the same txnId returns the original and stores nothing. */
  async send(caller: Caller, roomId: string, input: SendMessageRequest): Promise<SendResult> {
    const { storage, clock } = this.#d;
    // Plain text, the common case, reads nothing before its commit: the retry, the room, the
    // membership, the right to post and a block are all checked inside the committing transaction
    // (in that order, with the same answers). Replies, forwards and mentions read data first, so
    // they check the retry and the membership before those reads.
    const plain =
      input.forwardOf === undefined &&
      input.replyTo === undefined &&
      input.body !== undefined &&
      mentionedUsernames(input.body).length === 0;
    if (!plain) {
      // A retry is answered before any check: the original was accepted, whatever changed since.
      const earlier = await this.#earlierSend(caller, roomId, input.txnId);
      if (earlier) return earlier;
      await requireMember(storage.rooms, roomId, caller.userId);
      if (input.forwardOf !== undefined && input.body !== undefined) {
        throw fail('bad_request', 'A forward carries the original text; send a comment as its own message.');
      }
    }
    const now = clock.now();
    const record: Omit<MessageRecord, 'seq' | 'reactions'> = {
      id: uuidv7(now),
      roomId,
      senderId: caller.userId,
      kind: 'text',
      body: input.body ?? '',
      replyToId: null,
      forwardedFrom: null,
      file: null,
      mentions: [],
      createdAt: now,
      editedAt: null,
      deletedAt: null,
    };
    if (input.forwardOf !== undefined) {
      const source = await storage.rooms.message(input.forwardOf);
      const readable =
        source && source.deletedAt === null && (await storage.rooms.member(source.roomId, caller.userId));
      if (!source || !readable) throw fail('message_not_found', 'No such message to forward.');
      Object.assign(record, { kind: source.kind, body: source.body, file: source.file });
      record.forwardedFrom = {
        roomId: source.roomId,
        messageId: source.id,
        senderId: source.senderId,
        sentAt: source.createdAt,
      };
    } else if (input.body === undefined) {
      throw fail('message_empty', 'A message needs text or a message to forward.');
    }
    this.#checkLength(record.body);
    if (input.replyTo !== undefined) record.replyToId = (await this.#inRoom(roomId, input.replyTo)).id;
    // A plain send was found to mention nobody above: no second scan of its text.
    record.mentions = plain ? [] : await this.#mentions(roomId, record.body);

    // A reply quotes the original as it is; if the original is edited or deleted between that read
    // and the commit, the quote would be stale forever (no later event corrects it), so the commit
    // checks the original is unchanged, and a lost race reads it again and retries.
    let committed: Committed | undefined;
    for (let attempt = 1; committed === undefined; attempt++) {
      // One read of the original serves both the quote and the check, so they agree.
      const original = record.replyToId === null ? undefined : await this.#d.storage.rooms.message(record.replyToId);
      const originals = new Map(original ? [[original.id, original]] : []);
      const { seq: _seq, ...message } = toMessage({ ...record, seq: 0, reactions: [] }, originals);
      const result = await this.#d.committer.submit({
        txn: { userId: caller.userId, txnId: input.txnId, roomId, since: now - txnRetentionMs },
        require: [
          { check: 'room.live', roomId },
          { check: 'can.post', roomId, userId: caller.userId, now },
          { check: 'not.blocked', roomId, userId: caller.userId },
          ...(original
            ? [
                {
                  check: 'message.unchanged',
                  messageId: original.id,
                  editedAt: original.editedAt,
                  deletedAt: original.deletedAt,
                } as const,
              ]
            : []),
        ],
        changes: [{ op: 'message.insert', message: record }],
        events: [
          { stream: { room: roomId }, type: 'message.created', actorId: caller.userId, data: { message } },
          ...this.#mentionEvents(caller.userId, roomId, record.id, record.mentions),
        ],
        at: now,
      });
      if (result.ok) committed = result;
      else if (result.code !== 'message_changed' || attempt >= 5) throw requirementError(result.code);
    }
    const created = committed.events.find((e) => e.stream === 'room');
    if (!created) throw new Error('a committed send has no room event');
    const wire = toWire(created);
    if (wire.type !== 'message.created') throw new Error('the txn id points at an event that is not a message');
    return { message: wire.data.message, duplicate: committed.duplicate };
  }

  /** The original answer to a send whose txnId was already used, if it was. */
  async #earlierSend(caller: Caller, roomId: string, txnId: string): Promise<SendResult | undefined> {
    const { log } = this.#d.storage;
    const found = await log.findTxn(caller.userId, txnId, this.#d.clock.now() - txnRetentionMs);
    if (!found) return undefined;
    if (found.roomId !== roomId)
      throw fail('txn_id_conflict', 'This transaction id was already used for another room.');
    const [event] = await log.roomEvents(found.roomId, found.seq - 1, 1, found.seq);
    const wire = event && toWire(event);
    if (wire?.type !== 'message.created') throw new Error('a recorded txn id points at an event that is not a message');
    return { message: wire.data.message, duplicate: true };
  }

  /** A page of history: newest, before or after a seq, or around a message. */
  async history(caller: Caller, roomId: string, query: HistoryQuery): Promise<HistoryPage> {
    const { rooms } = this.#d.storage;
    await requireMember(rooms, roomId, caller.userId);
    const limit = query.limit ?? 50;
    const modes = [query.before, query.after, query.around].filter((v) => v !== undefined).length;
    if (modes > 1) throw fail('validation_failed', 'Give at most one of before, after and around.');
    let page: MessageRecord[];
    let moreBefore: boolean;
    let moreAfter: boolean;
    if (query.around !== undefined) {
      const center = await this.#inRoom(roomId, query.around);
      const half = Math.floor(limit / 2);
      const older = await rooms.messages(roomId, { beforeSeq: center.seq, limit: half + 1, newest: true });
      const newer = await rooms.messages(roomId, { afterSeq: center.seq - 1, limit: limit - half + 1, newest: false });
      moreBefore = older.length > half;
      moreAfter = newer.length > limit - half;
      page = [...older.slice(moreBefore ? 1 : 0), ...newer.slice(0, limit - half)];
    } else if (query.after !== undefined) {
      const rows = await rooms.messages(roomId, { afterSeq: query.after, limit: limit + 1, newest: false });
      moreAfter = rows.length > limit;
      page = rows.slice(0, limit);
      moreBefore = (await rooms.messages(roomId, { beforeSeq: query.after + 1, limit: 1, newest: true })).length > 0;
    } else {
      const rows = await rooms.messages(roomId, {
        ...(query.before === undefined ? {} : { beforeSeq: query.before }),
        limit: limit + 1,
        newest: true,
      });
      moreBefore = rows.length > limit;
      page = rows.slice(moreBefore ? 1 : 0);
      const last = page.at(-1)?.seq ?? (query.before ?? 1) - 1;
      moreAfter =
        query.before !== undefined &&
        (await rooms.messages(roomId, { afterSeq: last, limit: 1, newest: false })).length > 0;
    }
    return { messages: await this.#present(page), hasMoreBefore: moreBefore, hasMoreAfter: moreAfter };
  }

  /** One message as it stands now. */
  async get(caller: Caller, roomId: string, messageId: string): Promise<Message> {
    await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    const [message] = await this.#present([await this.#inRoom(roomId, messageId)]);
    if (!message) throw fail('message_not_found', 'No such message in this room.');
    return message;
  }

  /** Edits the caller's own message; people newly mentioned are notified. */
  async edit(caller: Caller, roomId: string, messageId: string, body: string): Promise<Message> {
    const { room } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    const message = await this.#inRoom(roomId, messageId);
    if (message.senderId !== caller.userId) throw fail('forbidden', 'You can only edit your own messages.');
    if (message.deletedAt !== null) throw fail('message_not_found', 'That message was deleted.');
    if (message.forwardedFrom !== null) throw fail('forbidden', 'A forwarded message cannot be edited.');
    // An edit shows the peer new text (and may mention them): as much contact as a new message.
    await refuseBlockedPeer(this.#d.storage.people, room, caller.userId);
    this.#checkLength(body);
    const mentions = await this.#mentions(roomId, body);
    const now = this.#d.clock.now();
    await this.#d.committer.commit({
      require: [
        { check: 'member', roomId, userId: caller.userId },
        { check: 'message.live', roomId, messageId },
      ],
      changes: [{ op: 'message.edit', messageId, body, mentions, at: now }],
      events: [
        {
          stream: { room: roomId },
          type: 'message.edited',
          actorId: caller.userId,
          data: { messageId, body, mentions, editedAt: new Date(now).toISOString() },
        },
        ...this.#mentionEvents(
          caller.userId,
          roomId,
          messageId,
          mentions.filter((id) => !message.mentions.includes(id)),
        ),
      ],
      at: now,
    });
    return this.get(caller, roomId, messageId);
  }

  /** Deletes a message: the caller's own, or any as owner or admin. Deleting twice is not an error. */
  async delete(caller: Caller, roomId: string, messageId: string): Promise<void> {
    const { member } = await requireMember(this.#d.storage.rooms, roomId, caller.userId);
    const message = await this.#inRoom(roomId, messageId);
    const own = message.senderId === caller.userId;
    if (!own && !isAdminRole(member.role)) throw fail('forbidden', 'You can only delete your own messages.');
    if (message.deletedAt !== null) return;
    const now = this.#d.clock.now();
    const result = await this.#d.committer.submit({
      require: [
        own
          ? { check: 'member', roomId, userId: caller.userId }
          : { check: 'role', roomId, userId: caller.userId, atLeast: 'admin' },
        { check: 'message.live', roomId, messageId },
      ],
      changes: [{ op: 'message.delete', messageId, at: now }],
      events: [
        {
          stream: { room: roomId },
          type: 'message.deleted',
          actorId: caller.userId,
          data: { messageId, deletedAt: new Date(now).toISOString() },
        },
      ],
      at: now,
    });
    // Someone else deleted it a moment ago: the outcome the caller wanted.
    if (!result.ok && result.code !== 'message_not_found') throw requirementError(result.code);
  }
}
