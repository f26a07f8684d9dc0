import { Type, type Static } from 'typebox';
import { limits } from '../limits.ts';
import { Closed, Id, Timestamp } from './common.ts';

/** A client-chosen id that makes a send idempotent: a retry with the same id never doubles. */
export const TxnId = Type.String({ minLength: 1, maxLength: limits.txnIdMax, pattern: '^[A-Za-z0-9_.:-]+$' });

/**
 * Message text. The schema bounds it by code points; the server also enforces its configured
 * byte limit (16 KiB of UTF-8 by default) with `message_too_long`.
 */
export const MessageBody = Type.String({ minLength: 1, maxLength: 65_536, pattern: '\\S' });

/** One emoji (a single grapheme), as the reaction key. */
export const Emoji = Type.String({ minLength: 1, maxLength: limits.emojiMax });

/** What a reply shows of the message it answers. */
export const ReplyRef = Closed({
  messageId: Id,
  senderId: Type.Union([Id, Type.Null()]),
  preview: Type.String({ description: 'The first 200 characters of the original, or "" if it was deleted.' }),
});
export type ReplyRef = Static<typeof ReplyRef>;

/** Where a forwarded message came from. */
export const ForwardRef = Closed({
  roomId: Id,
  messageId: Id,
  senderId: Type.Union([Id, Type.Null()]),
  sentAt: Timestamp,
});
export type ForwardRef = Static<typeof ForwardRef>;

/** A file attached to a message (the upload flow arrives later; the model holds it now). */
export const FileRef = Closed({
  fileId: Id,
  name: Type.String({ maxLength: 255 }),
  size: Type.Integer({ minimum: 0 }),
  contentType: Type.String({ maxLength: 255 }),
});
export type FileRef = Static<typeof FileRef>;

/** Everyone who reacted with one emoji, in the order they did. A deleted message has none. */
export const Reaction = Closed({ emoji: Emoji, userIds: Type.Array(Id) });
export type Reaction = Static<typeof Reaction>;

/** A message as it stands now: edits applied, deletions as tombstones. */
export const Message = Closed({
  id: Id,
  roomId: Id,
  seq: Type.Integer({ minimum: 1, description: 'The room sequence number of the event that created it.' }),
  senderId: Type.Union([Id, Type.Null()], { description: 'null once the sender’s account is deleted.' }),
  kind: Type.Union([Type.Literal('text'), Type.Literal('file')]),
  body: Type.String({ description: 'Empty once deleted.' }),
  replyTo: Type.Union([ReplyRef, Type.Null()]),
  forwardedFrom: Type.Union([ForwardRef, Type.Null()]),
  file: Type.Union([FileRef, Type.Null()]),
  mentions: Type.Array(Id, { description: 'Members mentioned as @username.' }),
  reactions: Type.Array(Reaction, {
    description: 'Ordered by each emoji’s earliest remaining reaction; reactors in the order they reacted.',
  }),
  createdAt: Timestamp,
  editedAt: Type.Union([Timestamp, Type.Null()]),
  deletedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Message = Static<typeof Message>;

/** POST /rooms/{roomId}/messages: send text, a reply, or a forward of a message you can read. */
export const SendMessageRequest = Closed({
  txnId: TxnId,
  body: Type.Optional(MessageBody),
  replyTo: Type.Optional(Id),
  forwardOf: Type.Optional(Id),
});
export type SendMessageRequest = Static<typeof SendMessageRequest>;

/** The answer to a send: the message, its sequence number, and whether this was a retry. */
export const SendResult = Closed({
  message: Message,
  duplicate: Type.Boolean({ description: 'True when this txnId was already used: nothing new was stored.' }),
});
export type SendResult = Static<typeof SendResult>;

/** PATCH /rooms/{roomId}/messages/{messageId}. */
export const EditMessageRequest = Closed({ body: MessageBody });
export type EditMessageRequest = Static<typeof EditMessageRequest>;

/** PUT or DELETE /rooms/{roomId}/messages/{messageId}/reactions: one emoji per call. */
export const ReactionRequest = Closed({ emoji: Emoji });
export type ReactionRequest = Static<typeof ReactionRequest>;

/** PUT /rooms/{roomId}/read: move the read marker forward (never back). */
export const ReadMarkerRequest = Closed({ seq: Type.Integer({ minimum: 0 }) });
export type ReadMarkerRequest = Static<typeof ReadMarkerRequest>;

/** POST /rooms/{roomId}/typing. Ephemeral: never stored. */
export const TypingRequest = Closed({ typing: Type.Boolean() });
export type TypingRequest = Static<typeof TypingRequest>;

export const MessageParams = Closed({ roomId: Id, messageId: Id });
export type MessageParams = Static<typeof MessageParams>;

/** GET /rooms/{roomId}/messages: one of before, after or around; newest page when none. */
export const HistoryQuery = Closed({
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Messages with seq below this, newest first page.' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'Messages with seq above this.' })),
  around: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.historyPageMax, default: 50 })),
});
export type HistoryQuery = Static<typeof HistoryQuery>;

/** A page of history, oldest first. */
export const HistoryPage = Closed({
  messages: Type.Array(Message),
  hasMoreBefore: Type.Boolean(),
  hasMoreAfter: Type.Boolean(),
});
export type HistoryPage = Static<typeof HistoryPage>;

/** GET /search/messages: full-text search over the rooms the caller is in. */
export const SearchQuery = Closed({
  q: Type.String({ minLength: 1, maxLength: limits.searchQueryTextMax }),
  roomId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
});
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchResults = Closed({ messages: Type.Array(Message) });
export type SearchResults = Static<typeof SearchResults>;
