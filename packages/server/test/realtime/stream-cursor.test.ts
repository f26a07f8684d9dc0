import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyEvent } from '@natter/protocol';
import fc from 'fast-check';
import { PreparedEvent } from '../../src/realtime/shared-frame.ts';
import { StreamCursor } from '../../src/realtime/stream-cursor.ts';

const logLength = 12;
const log = Array.from({ length: logLength }, (_, i) =>
  PreparedEvent.fromWire({ stream: 'room', roomId: 'r', seq: i + 1 } as unknown as AnyEvent, 'r', () => undefined),
);

function eventAt(seq: number): PreparedEvent {
  const event = log[seq - 1];
  if (event === undefined) throw new Error(`no event ${seq}`);
  return event;
}

describe('StreamCursor', () => {
  it('delivers 1..N once each, in order, whatever the bus repeats, drops or reorders, and however fills interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer({ min: 1, max: logLength }), { maxLength: 30 }),
        async (s, offers) => {
          const delivered: number[] = [];
          const problems: string[] = [];
          const cursor = new StreamCursor(0, {
            fill: (after, through) =>
              s.schedule(Promise.resolve(log.slice(after, through)), `fill ${after}..${through}`),
            deliver: (event) => delivered.push(event.seq),
            ended: () => problems.push('a stream without an end ended'),
            failed: (error) => problems.push(String(error)),
          });
          for (const seq of offers) {
            void s.schedule(Promise.resolve(), `offer ${seq}`).then(() => {
              cursor.offer(eventAt(seq));
            });
          }
          void s.schedule(Promise.resolve(), 'the end is known').then(() => {
            cursor.expectThrough(logLength);
          });
          await s.waitIdle();
          assert.deepEqual(problems, []);
          assert.deepEqual(
            delivered,
            log.map((e) => e.seq),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ends right after the leaving event and delivers nothing beyond it, whenever room.left arrives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer({ min: 1, max: logLength }), { maxLength: 30 }),
        fc.integer({ min: 1, max: logLength }),
        async (s, offers, end) => {
          const delivered: number[] = [];
          const problems: string[] = [];
          let ended = 0;
          const cursor: StreamCursor = new StreamCursor(0, {
            fill: (after, through) => s.schedule(Promise.resolve(log.slice(after, through))),
            deliver: (event) => {
              delivered.push(event.seq);
              // As LiveStreams does on the user's own member.left: the room's log marks the end.
              if (event.seq === end) cursor.endAt(end);
            },
            ended: () => (ended += 1),
            failed: (error) => problems.push(String(error)),
          });
          for (const seq of offers) {
            void s.schedule(Promise.resolve()).then(() => {
              cursor.offer(eventAt(seq));
            });
          }
          void s.schedule(Promise.resolve(), 'room.left').then(() => {
            cursor.endAt(end);
            cursor.expectThrough(end);
          });
          await s.waitIdle();
          assert.deepEqual(problems, []);
          assert.deepEqual(
            delivered,
            log.slice(0, end).map((e) => e.seq),
          );
          assert.equal(ended, 1);
          assert.equal(cursor.stopped, true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips what happened between leaving and joining again, in whatever order the news arrives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer({ min: 1, max: logLength }), { maxLength: 30 }),
        async (s, offers) => {
          // Member through 4, away for 5..7, member again from 8 (its member.joined).
          const delivered: number[] = [];
          const problems: string[] = [];
          let ended = 0;
          const cursor: StreamCursor = new StreamCursor(0, {
            fill: (after, through) => s.schedule(Promise.resolve(log.slice(after, through))),
            deliver: (event) => {
              delivered.push(event.seq);
              if (event.seq === 4) cursor.endAt(4);
            },
            ended: () => (ended += 1),
            failed: (error) => problems.push(String(error)),
          });
          for (const seq of offers) {
            void s.schedule(Promise.resolve()).then(() => {
              cursor.offer(eventAt(seq));
            });
          }
          // The user stream's room.left then room.joined, applied in order but at any moment.
          void s
            .schedule(Promise.resolve(), 'room.left 4')
            .then(() => {
              cursor.endAt(4);
              if (!cursor.stopped) cursor.expectThrough(4);
              return s.schedule(Promise.resolve(), 'room.joined 8');
            })
            .then(() => {
              cursor.rejoinAt(8);
              cursor.expectThrough(logLength);
            });
          await s.waitIdle();
          assert.deepEqual(problems, []);
          if (cursor.stopped) {
            // The room's member.left came before the rejoin news and ended this stream; LiveStreams
            // then starts a new one at the rejoin.
            assert.deepEqual(delivered, [1, 2, 3, 4]);
            assert.equal(ended, 1);
          } else {
            assert.deepEqual(delivered, [1, 2, 3, 4, 8, 9, 10, 11, 12]);
            assert.equal(ended, 0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives up, and says so, when the log keeps missing the gap', async () => {
    const failures: unknown[] = [];
    const cursor = new StreamCursor(0, {
      fill: () => Promise.resolve([]),
      deliver: () => failures.push('delivered something'),
      ended: () => failures.push('ended'),
      failed: (error) => failures.push(error),
    });
    cursor.offer(eventAt(3));
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]), /events 1\.\.2 are missing/);
    assert.equal(cursor.stopped, true);
  });
});
