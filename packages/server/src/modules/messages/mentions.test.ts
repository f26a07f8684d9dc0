import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSingleEmoji, mentionedUsernames } from './mentions.ts';

describe('mentionedUsernames', () => {
  it('finds @names at the start, after spaces and punctuation, once each', () => {
    assert.deepEqual(mentionedUsernames('@Ada hi @bob, and (@carol.x) @ada again'), ['ada', 'bob', 'carol.x']);
  });
  it('ignores email addresses and trailing dots', () => {
    assert.deepEqual(mentionedUsernames('mail ada@example.com or @dan.'), ['dan']);
  });
});

describe('isSingleEmoji', () => {
  it('accepts single emoji including sequences and flags', () => {
    for (const e of ['👍', '❤️', '👩🏽‍💻', '🇫🇷', '1️⃣']) assert.equal(isSingleEmoji(e), true, e);
  });
  it('refuses text, several emoji and markup', () => {
    for (const e of ['a', '👍👍', ':+1:', '<b>', '', '👍 ']) assert.equal(isSingleEmoji(e), false, e);
  });
});
