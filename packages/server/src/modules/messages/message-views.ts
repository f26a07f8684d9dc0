import type { Message, ReplyRef } from '@natter/protocol';
import type { MessageRecord } from '../../ports/index.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** How much of the original a reply shows. */
export const replyPreviewLength = 200;

/**
 * What a reply shows of the message it answers, from the original's current state: its text cut
 * to 200 code points, or "" once deleted. Clients update it when the original is edited or
 * deleted, so a state built from events matches a fresh fetch.
 */
export function toReplyRef(original: MessageRecord | undefined, replyToId: string): ReplyRef {
  if (!original) return { messageId: replyToId, senderId: null, preview: '' };
  const preview = original.deletedAt === null ? Array.from(original.body).slice(0, replyPreviewLength).join('') : '';
  return { messageId: original.id, senderId: original.senderId, preview };
}

/** A message as the protocol shows it. `originals` holds the messages replied to, by id. */
export function toMessage(record: MessageRecord, originals: ReadonlyMap<string, MessageRecord>): Message {
  return {
    id: record.id,
    roomId: record.roomId,
    seq: record.seq,
    senderId: record.senderId,
    kind: record.kind,
    body: record.body,
    replyTo: record.replyToId === null ? null : toReplyRef(originals.get(record.replyToId), record.replyToId),
    forwardedFrom:
      record.forwardedFrom === null ? null : { ...record.forwardedFrom, sentAt: iso(record.forwardedFrom.sentAt) },
    file: record.file,
    mentions: record.mentions,
    reactions: record.reactions,
    createdAt: iso(record.createdAt),
    editedAt: record.editedAt === null ? null : iso(record.editedAt),
    deletedAt: record.deletedAt === null ? null : iso(record.deletedAt),
  };
}
