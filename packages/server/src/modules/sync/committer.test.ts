import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { EventBus, EventLog, Logger, Write, WriteResult } from '../../ports/index.ts';
import { Committer } from './committer.ts';

// How the group commit gathers writes: at once when the log is idle, lingering briefly for more
// when it is busy, and at once again when the batch is full. The log is a fake whose commits end
// when the test says; the clock and setTimeout are the test's too.

/** A log whose batches are recorded and whose commits end when `finish` is called. */
class HeldLog {
  readonly batches: string[][] = [];
  readonly #pending: (() => void)[] = [];

  readonly log = {
    commit: (writes: readonly Write[]): Promise<WriteResult[]> => {
      this.batches.push(writes.map((w) => w.txn?.txnId ?? '?'));
      return new Promise((resolve) => {
        this.#pending.push(() => {
          resolve(writes.map(() => ({ ok: true, events: [], duplicate: false })));
        });
      });
    },
  } as unknown as EventLog;

  /** Ends the oldest commit in flight. */
  finish(): void {
    const next = this.#pending.shift();
    assert.ok(next, 'no commit in flight');
    next();
  }
}

const write = (id: string): Write => ({
  txn: { userId: 'u', txnId: id, roomId: 'r', since: 0 },
  require: [],
  changes: [],
  events: [],
  at: 0,
});

const bus: EventBus = { publish: () => undefined, subscribe: () => () => undefined, close: () => Promise.resolve() };
const logger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => logger,
};

/** Lets promise callbacks and immediates run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('Committer batching', () => {
  let clock = 0;
  let held: HeldLog;
  let committer: Committer;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    clock = 0;
    held = new HeldLog();
    committer = new Committer({ log: held.log, bus, logger, now: () => clock, fullBatch: 4, lingerMs: 2, busyMs: 20 });
  });
  afterEach(() => {
    mock.timers.reset();
  });

  /** Moves the clock and the timers on together. */
  const advance = (ms: number): void => {
    clock += ms;
    mock.timers.tick(ms);
  };

  it('commits a lone write at once when the log has been idle', async () => {
    const done = committer.submit(write('a'));
    await settle();
    assert.deepEqual(held.batches, [['a']]);
    held.finish();
    assert.equal((await done).ok, true);
  });

  /** Commits a batch of two, so the log is busy with more than one writer, and leaves it in flight. */
  const busyWithTwo = async (): Promise<void> => {
    void committer.submit(write('a1'));
    void committer.submit(write('a2'));
    await settle();
    assert.deepEqual(held.batches, [['a1', 'a2']]);
  };

  it('lets a small batch wait for more while the log is busy, no longer than lingerMs from its first write', async () => {
    await busyWithTwo();
    void committer.submit(write('b')); // arrives while a1 and a2 commit, at 0 ms
    clock = 0.5;
    held.finish();
    await settle();
    assert.deepEqual(held.batches, [['a1', 'a2']], 'b waits: the log just committed two and the batch is small');
    void committer.submit(write('c'));
    advance(1);
    await settle();
    assert.deepEqual(held.batches, [['a1', 'a2']], 'still inside the 2 ms since b arrived');
    advance(1);
    await settle();
    assert.deepEqual(held.batches, [
      ['a1', 'a2'],
      ['b', 'c'],
    ]);
  });

  it('sends a batch as soon as it is full, without waiting out the linger', async () => {
    await busyWithTwo();
    void committer.submit(write('b'));
    held.finish();
    await settle();
    assert.deepEqual(held.batches, [['a1', 'a2']]);
    for (const id of ['c', 'd', 'e']) void committer.submit(write(id));
    await settle();
    assert.deepEqual(held.batches, [
      ['a1', 'a2'],
      ['b', 'c', 'd', 'e'],
    ]);
  });

  it('commits at once again after the log has been idle for busyMs', async () => {
    await busyWithTwo();
    held.finish();
    await settle();
    clock += 25;
    void committer.submit(write('b'));
    await settle();
    assert.deepEqual(held.batches, [['a1', 'a2'], ['b']]);
  });

  it('never makes a lone writer that waits for each answer wait for company', async () => {
    for (const id of ['a', 'b', 'c']) {
      const done = committer.submit(write(id));
      await settle();
      assert.equal(held.batches.at(-1)?.[0], id, `${id} went at once`);
      clock += 0.5;
      held.finish();
      await done;
    }
    assert.deepEqual(held.batches, [['a'], ['b'], ['c']]);
  });

  it('keeps submission order when a batch is split at maxBatch and the rest lingers', async () => {
    const small = new Committer({
      log: held.log,
      bus,
      logger,
      now: () => clock,
      maxBatch: 2,
      fullBatch: 2,
      lingerMs: 2,
    });
    for (const id of ['a', 'b', 'c']) void small.submit(write(id));
    await settle();
    assert.deepEqual(held.batches, [['a', 'b']]);
    held.finish();
    await settle();
    assert.deepEqual(held.batches, [['a', 'b']], 'c, alone, waits for company');
    advance(2);
    await settle();
    assert.deepEqual(held.batches, [['a', 'b'], ['c']]);
  });

  it('does not linger when lingerMs is 0', async () => {
    const eager = new Committer({ log: held.log, bus, logger, now: () => clock, lingerMs: 0 });
    void eager.submit(write('a'));
    await settle();
    void eager.submit(write('b'));
    held.finish();
    await settle();
    assert.deepEqual(held.batches, [['a'], ['b']]);
  });
});
