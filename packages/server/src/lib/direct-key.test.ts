import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directKeyOf, directPeer } from './direct-key.ts';

describe('direct room keys', () => {
  it('are the same whichever person opens the room', () => {
    assert.equal(directKeyOf('b-2', 'a-1'), directKeyOf('a-1', 'b-2'));
    assert.equal(directKeyOf('a-1', 'b-2'), 'a-1:b-2');
  });

  it('name the other person, and nobody for someone outside the room', () => {
    const key = directKeyOf('a-1', 'b-2');
    assert.equal(directPeer(key, 'a-1'), 'b-2');
    assert.equal(directPeer(key, 'b-2'), 'a-1');
    assert.equal(directPeer(key, 'c-3'), undefined);
    // Someone writing to themselves: the peer is themselves.
    assert.equal(directPeer(directKeyOf('a-1', 'a-1'), 'a-1'), 'a-1');
  });
});
