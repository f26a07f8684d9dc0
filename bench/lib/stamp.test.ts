import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyRecorder, mergeLatencies } from './latency.ts';
import { marker, messageBody, nowMicros, readStamp, type Stamp } from './stamp.ts';

const blank = (): Stamp => ({ publisher: -1, seq: -1, intendedMicros: -1 });

describe('latency stamps', () => {
  it('round-trips publisher, seq and intended time through a body of the requested size', () => {
    const t = nowMicros();
    const body = messageBody(marker(19_499, 123_456, t), 150);
    assert.equal(Buffer.byteLength(body), 150);
    const into = blank();
    assert.equal(readStamp(Buffer.from(body), 0, body.length, into), true);
    assert.deepEqual(into, { publisher: 19_499, seq: 123_456, intendedMicros: t });
  });

  it('finds the stamp inside the JSON a server wraps the body in', () => {
    const body = messageBody(marker(3, 9, 1_000_000), 150);
    const frame = Buffer.from(JSON.stringify({ type: 'event', event: { seq: 4, data: { message: { body } } } }));
    const into = blank();
    assert.equal(readStamp(frame, 0, frame.length, into), true);
    assert.deepEqual(into, { publisher: 3, seq: 9, intendedMicros: 1_000_000 });
  });

  it('reads only within the given range, and refuses damaged markers', () => {
    const text = Buffer.from(`xx${marker(1, 2, 3)}`);
    assert.equal(readStamp(text, 0, 4, blank()), false);
    for (const bad of ['~1.2~', '~1.2.3', '~1..3~', '~1.2.3.4~', '~1.2.Z~', 'no marker']) {
      assert.equal(readStamp(Buffer.from(bad), 0, bad.length, blank()), false, bad);
    }
  });

  it('reads a monotonic clock', () => {
    const a = nowMicros();
    const b = nowMicros();
    assert.ok(b >= a);
  });
});

describe('LatencyRecorder', () => {
  it('reports percentiles of recorded latencies in milliseconds', () => {
    const recorder = new LatencyRecorder();
    for (let ms = 1; ms <= 100; ms++) recorder.record(ms * 1000);
    const summary = recorder.summary();
    assert.equal(summary.count, 100);
    assert.ok(Math.abs(summary.p50 - 50) <= 0.1, `p50 ${summary.p50}`);
    assert.ok(Math.abs(summary.p99 - 99) <= 0.1, `p99 ${summary.p99}`);
    assert.ok(Math.abs(summary.max - 100) <= 0.1, `max ${summary.max}`);
  });

  it('records a stamp from the future as zero rather than failing', () => {
    const recorder = new LatencyRecorder();
    recorder.record(-5);
    assert.equal(recorder.summary().max, 0);
  });

  it('merges encoded histograms from several processes exactly', () => {
    const fast = new LatencyRecorder();
    const slow = new LatencyRecorder();
    for (let i = 0; i < 990; i++) fast.record(1000);
    for (let i = 0; i < 10; i++) slow.record(500_000);
    const merged = mergeLatencies([fast.encode(), slow.encode()]);
    assert.equal(merged.count, 1000);
    assert.ok(Math.abs(merged.p50 - 1) < 0.01);
    assert.ok(Math.abs(merged.p999 - 500) < 1);
  });
});
