import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message, PendingSend } from '@natter/client';
import { mentionAt, typingText } from './room-text.ts';
import { buildRows } from './rows.ts';

function message(seq: number, senderId: string, createdAt: string, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    roomId: 'r',
    seq,
    senderId,
    kind: 'text',
    body: `message ${seq}`,
    replyTo: null,
    forwardedFrom: null,
    file: null,
    mentions: [],
    reactions: [],
    createdAt,
    editedAt: null,
    deletedAt: null,
    ...extra,
  };
}

const kinds = (rows: ReturnType<typeof buildRows>) =>
  rows.map((r) => (r.kind === 'message' ? `${r.message.seq}${r.compact ? 'c' : ''}` : r.kind));

describe('message log rows', () => {
  const day1 = (min: number) => new Date(2026, 0, 5, 10, min).toISOString();
  const day2 = (min: number) => new Date(2026, 0, 6, 10, min).toISOString();

  it('separates days once each and groups one sender within five minutes', () => {
    const rows = buildRows(
      [
        message(1, 'a', day1(0)),
        message(2, 'a', day1(2)),
        message(3, 'b', day1(3)),
        message(4, 'b', day1(20)),
        message(5, 'b', day2(0)),
      ],
      [],
      { me: 'a', readSeq: null },
    );
    assert.deepEqual(kinds(rows), ['day', '1', '2c', '3', '4', 'day', '5']);
  });

  it('a deleted message breaks a group but never repeats the day separator', () => {
    const rows = buildRows(
      [message(1, 'a', day1(0)), message(2, 'a', day1(1), { deletedAt: day1(2) }), message(3, 'a', day1(2))],
      [],
      { me: 'a', readSeq: null },
    );
    assert.deepEqual(kinds(rows), ['day', '1', '2', '3']);
  });

  it('puts the new-messages divider before the first unread message by someone else', () => {
    const rows = buildRows(
      [message(1, 'b', day1(0)), message(2, 'a', day1(1)), message(3, 'a', day1(2)), message(4, 'b', day1(3))],
      [],
      { me: 'a', readSeq: 1 },
    );
    assert.deepEqual(kinds(rows), ['day', '1', '2', '3c', 'new', '4']);
  });

  it('adds pending sends at the end, grouped with my recent messages', () => {
    const now = Date.parse(day1(3));
    const send: PendingSend = { txnId: 't1', roomId: 'r', request: { txnId: 't1', body: 'hi' } };
    const rows = buildRows([message(1, 'a', day1(2))], [{ send, error: null }], { me: 'a', readSeq: null, now });
    assert.deepEqual(
      rows.map((r) => (r.kind === 'pending' ? `p${r.compact ? 'c' : ''}` : r.kind)),
      ['day', 'message', 'pc'],
    );
  });
});

describe('composer text helpers', () => {
  it('finds the @mention being typed before the caret', () => {
    assert.deepEqual(mentionAt('hi @al', 6), { start: 3, query: 'al' });
    assert.deepEqual(mentionAt('@', 1), { start: 0, query: '' });
    assert.equal(mentionAt('mail ada@example', 16), null);
    assert.equal(mentionAt('hi @al there', 12), null);
  });

  it('says who is typing', () => {
    assert.equal(typingText([]), '');
    assert.equal(typingText(['Alice']), 'Alice is typing…');
    assert.equal(typingText(['Alice', 'Bob']), 'Alice and Bob are typing…');
    assert.equal(typingText(['A', 'B', 'C', 'D']), 'A, B and 2 others are typing…');
  });
});
