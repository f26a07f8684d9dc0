import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { FlushScheduler, Outbound } from '../../src/realtime/outbound.ts';

const open = { readyState: 1, OPEN: 1 };
const limits = { softBytes: 1 << 20, hardBytes: 4 << 20 };
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A socket that records each write call it gets (a writev counts once), its bytes and when it ended. */
function recordingSocket(options: { slowMs?: number } = {}): { socket: Duplex; writes: string[]; at: number[] } {
  const writes: string[] = [];
  const at: number[] = [];
  const spin = (): void => {
    const until = performance.now() + (options.slowMs ?? 0);
    while (performance.now() < until) {
      // A slow kernel write, as when a big room's thousand sockets are written in one round.
    }
  };
  const record = (bytes: string, callback: () => void): void => {
    spin();
    writes.push(bytes);
    at.push(performance.now());
    callback();
  };
  const socket = new Duplex({
    read() {
      // Nothing to read.
    },
    write(chunk: Buffer, _encoding, callback) {
      record(chunk.toString(), callback);
    },
    writev(chunks, callback) {
      record(chunks.map(({ chunk }) => (chunk as Buffer).toString()).join(''), callback);
    },
  });
  return { socket, writes, at };
}

/** Resolves once `done()` holds, checking every millisecond; fails after a second. */
async function until(done: () => boolean): Promise<void> {
  const deadline = performance.now() + 1000;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('outbound flushing', () => {
  it("writes each socket once per turn, with all of that turn's frames", async () => {
    const scheduler = new FlushScheduler();
    const { socket, writes } = recordingSocket();
    const outbound = new Outbound(socket, scheduler, limits, open);
    outbound.push(Buffer.from('a'), false);
    outbound.push(Buffer.from('b'), false);
    await nextTurn();
    assert.deepEqual(writes, ['ab'], 'the first round goes out at the end of its turn');
    outbound.push(Buffer.from('c'), false);
    await until(() => writes.length === 2);
    assert.deepEqual(writes, ['ab', 'c']);
  });

  it('after a round of writes that took a while, waits about as long before the next', async () => {
    const scheduler = new FlushScheduler();
    const slow = recordingSocket({ slowMs: 10 });
    const fast = recordingSocket();
    const big = new Outbound(slow.socket, scheduler, limits, open);
    const small = new Outbound(fast.socket, scheduler, limits, open);
    big.push(Buffer.from('x'), false);
    small.push(Buffer.from('1'), false);
    await nextTurn();
    assert.deepEqual(fast.writes, ['1'], 'the first round goes out at the end of its turn');
    // The round took over 10 ms: the next one waits at least that long after it, and what comes
    // meanwhile (on a machine that keeps up, several turns' worth) leaves in the same writes.
    small.push(Buffer.from('2'), false);
    await nextTurn();
    small.push(Buffer.from('3'), false);
    await until(() => fast.writes.join('') === '123');
    const slowDone = slow.at[0] ?? Infinity;
    const next = fast.at[1] ?? -Infinity;
    // At least the round's 10 ms, less what a timer may fire early by: its delay counts from the
    // event loop's clock, cached when the loop's turn began. Without pacing it is a fraction of 1 ms.
    assert.ok(next - slowDone >= 8, `the next round waited ${(next - slowDone).toFixed(1)} ms`);
  });

  it('drops a typing or presence frame that would pass the hard cap rather than close the connection', () => {
    const socket = stalledSocket();
    const outbound = new Outbound(socket, new FlushScheduler(), { softBytes: 10, hardBytes: 100 }, open);
    // One large frame (a sync result) may go out on an idle socket even above the hard cap.
    assert.equal(outbound.push(Buffer.alloc(150), false), 'queued');
    assert.equal(outbound.push(Buffer.from('typing'), true), 'dropped');
    assert.equal(outbound.push(Buffer.from('an event'), false), 'overflow');
  });

  it('hands what waits for a paced flush to the socket before calling a reader that keeps up too slow', () => {
    const { socket, writes } = recordingSocket();
    const outbound = new Outbound(socket, new FlushScheduler(), { softBytes: 100, hardBytes: 150 }, open);
    // No flush runs in this synchronous stretch, as when the flusher rests between paced rounds.
    assert.equal(outbound.push(Buffer.alloc(90, 'a'), false), 'queued');
    assert.deepEqual(writes, []);
    assert.equal(outbound.push(Buffer.alloc(90, 'b'), false), 'queued', 'the socket took the first: not behind');
    assert.deepEqual(writes, ['a'.repeat(90)]);
  });

  it('writes at once what passes the soft cap, without waiting for the flush', () => {
    const { socket, writes } = recordingSocket();
    const outbound = new Outbound(socket, new FlushScheduler(), { softBytes: 100, hardBytes: 1000 }, open);
    outbound.push(Buffer.alloc(60, 'a'), false);
    assert.deepEqual(writes, []);
    outbound.push(Buffer.alloc(60, 'b'), false);
    assert.deepEqual(writes, ['a'.repeat(60) + 'b'.repeat(60)]);
  });

  it('still closes a reader whose socket holds more than the hard cap', () => {
    const outbound = new Outbound(stalledSocket(), new FlushScheduler(), { softBytes: 10, hardBytes: 100 }, open);
    assert.equal(outbound.push(Buffer.alloc(60), false), 'queued');
    assert.equal(outbound.push(Buffer.alloc(60), false), 'overflow');
  });
});

/** A socket whose reader has stopped: it takes the first write and never finishes it, so every byte stays in it. */
function stalledSocket(): Duplex {
  return new Duplex({
    read() {
      // Nothing to read.
    },
    write(_chunk, _encoding, _callback) {
      // Never done: the kernel's buffer is full.
    },
  });
}

describe('outbound on a socket corked for the upgrade', () => {
  const answer = 'HTTP/1.1 101 Switching Protocols\r\n\r\n';

  it('sends the upgrade answer and the first frames in one write', async () => {
    const { socket, writes } = recordingSocket();
    socket.cork();
    socket.write(answer);
    const outbound = new Outbound(socket, new FlushScheduler(), limits, open, true);
    outbound.push(Buffer.from('hello'), false);
    outbound.push(Buffer.from('sync'), false);
    await nextTurn();
    assert.deepEqual(writes, [`${answer}hellosync`]);
    assert.equal(socket.writableCorked, 0);
    outbound.push(Buffer.from('later'), false);
    await until(() => writes.length === 2);
    assert.deepEqual(writes, [`${answer}hellosync`, 'later'], 'and then writes as any other');
  });

  it('uncorks at the end of the turn when no frame came, and when closed before that', async () => {
    for (const close of [false, true]) {
      const { socket, writes } = recordingSocket();
      socket.cork();
      socket.write(answer);
      const outbound = new Outbound(socket, new FlushScheduler(), limits, open, true);
      if (close) {
        outbound.push(Buffer.from('dropped'), false);
        outbound.end(false);
      }
      await nextTurn();
      assert.deepEqual(writes, [answer], close ? 'closed: the answer, not the queue' : 'no frame');
      assert.equal(socket.writableCorked, 0);
    }
  });
});
