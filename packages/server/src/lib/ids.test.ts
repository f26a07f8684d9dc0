import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidv7 } from './ids.ts';

const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 id carrying its millisecond', () => {
    const at = Date.UTC(2026, 11, 6, 12, 0, 0, 123);
    const id = uuidv7(at);
    assert.match(id, shape);
    assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at);
  });

  it('increases within a millisecond and across them, and never repeats', () => {
    const start = Date.UTC(2027, 0, 1);
    const ids: string[] = [];
    // More than one refill of the random pool, many ids per millisecond.
    for (let i = 0; i < 5000; i++) ids.push(uuidv7(start + Math.floor(i / 100)));
    for (const id of ids) assert.match(id, shape);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    // The random part differs between ids of the same millisecond.
    assert.notEqual(ids[0]?.slice(19), ids[1]?.slice(19));
  });
});
