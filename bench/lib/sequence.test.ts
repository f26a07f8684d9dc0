import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SequenceChecker } from './sequence.ts';

const expect = (last: number, refused: number[] = []) => ({ last, refused: new Set(refused) });

describe('SequenceChecker', () => {
  it('counts an in-order stream as all delivered', () => {
    const checker = new SequenceChecker();
    for (let seq = 1; seq <= 5; seq++) assert.equal(checker.record(7, seq), 'next');
    assert.deepEqual(checker.counts(new Map([[7, expect(5)]])), { unique: 5, duplicates: 0, reordered: 0, lost: 0 });
  });

  it('counts a repeated seq as a duplicate, not a delivery', () => {
    const checker = new SequenceChecker();
    checker.record(1, 1);
    checker.record(1, 2);
    assert.equal(checker.record(1, 2), 'duplicate');
    assert.equal(checker.record(1, 1), 'duplicate');
    assert.deepEqual(checker.counts(new Map([[1, expect(2)]])), { unique: 2, duplicates: 2, reordered: 0, lost: 0 });
  });

  it('counts a hole as lost, and a late arrival that fills it as reordered', () => {
    const checker = new SequenceChecker();
    checker.record(1, 1);
    assert.equal(checker.record(1, 4), 'gap');
    assert.deepEqual(checker.counts().lost, 2);
    assert.equal(checker.record(1, 3), 'late');
    assert.equal(checker.record(1, 3), 'duplicate');
    assert.deepEqual(checker.counts(new Map([[1, expect(4)]])), { unique: 3, duplicates: 1, reordered: 1, lost: 1 });
  });

  it('counts messages after the last one received as lost (the tail)', () => {
    const checker = new SequenceChecker();
    checker.record(1, 1);
    checker.record(1, 2);
    assert.equal(checker.counts(new Map([[1, expect(5)]])).lost, 3);
  });

  it('counts a publisher never heard from as entirely lost', () => {
    const checker = new SequenceChecker();
    checker.record(1, 1);
    assert.equal(
      checker.counts(
        new Map([
          [1, expect(1)],
          [2, expect(4)],
        ]),
      ).lost,
      4,
    );
  });

  it('does not count refused sends as lost', () => {
    const checker = new SequenceChecker();
    checker.record(1, 1);
    checker.record(1, 3);
    assert.equal(checker.counts(new Map([[1, expect(5, [2, 5])]])).lost, 1);
  });

  it('keeps publishers apart', () => {
    const checker = new SequenceChecker();
    checker.record(1, 1);
    assert.equal(checker.record(2, 1), 'next');
    assert.equal(checker.record(2, 2), 'next');
    assert.equal(checker.record(1, 2), 'next');
    assert.equal(checker.highest(2), 2);
  });

  it('starts a publisher later without counting the earlier seqs as lost', () => {
    const checker = new SequenceChecker();
    checker.startAt(3, 10);
    assert.equal(checker.record(3, 11), 'next');
    assert.equal(checker.counts(new Map([[3, expect(11)]])).lost, 0);
  });
});
