import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { FlushScheduler, Outbound } from '../../src/realtime/outbound.ts';

const open = { readyState: 1, OPEN: 1 };
const limits = { softBytes: 1 << 20, hardBytes: 4 << 20 };
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A socket that records each write call it gets (a writev counts once) and the bytes of each. */
function recordingSocket(options: { slowMs?: number } = {}): { socket: Duplex; writes: string[] } {
  const writes: string[] = [];
  const spin = (): void => {
    const until = performance.now() + (options.slowMs ?? 0);
    while (performance.now() < until) {
      // A slow kernel write, as when a big room's thousand sockets are written in one round.
    }
  };
  const socket = new Duplex({
    read() {
      // Nothing to read.
    },
    write(chunk: Buffer, _encoding, callback) {
      spin();
      writes.push(chunk.toString());
      callback();
    },
    writev(chunks, callback) {
      spin();
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()).join(''));
      callback();
    },
  });
  return { socket, writes };
}

describe('outbound flushing', () => {
  it("writes each socket once per turn, with all of that turn's frames", async () => {
    const scheduler = new FlushScheduler();
    const { socket, writes } = recordingSocket();
    const outbound = new Outbound(socket, scheduler, limits, open);
    outbound.push(Buffer.from('a'), false);
    outbound.push(Buffer.from('b'), false);
    await nextTurn();
    outbound.push(Buffer.from('c'), false);
    await nextTurn();
    assert.deepEqual(writes, ['ab', 'c']);
  });

  it('after a round of writes that took a while, waits about as long, so later frames share writes', async () => {
    const scheduler = new FlushScheduler();
    const slow = recordingSocket({ slowMs: 5 });
    const fast = recordingSocket();
    const big = new Outbound(slow.socket, scheduler, limits, open);
    const small = new Outbound(fast.socket, scheduler, limits, open);
    big.push(Buffer.from('x'), false);
    small.push(Buffer.from('1'), false);
    await nextTurn();
    assert.deepEqual(fast.writes, ['1'], 'the first round goes out at the end of its turn');
    // The round took over 5 ms: what comes in the next turns waits for the rest, then leaves together.
    small.push(Buffer.from('2'), false);
    await nextTurn();
    small.push(Buffer.from('3'), false);
    await nextTurn();
    assert.deepEqual(fast.writes, ['1'], 'nothing is written during the rest');
    await new Promise((resolve) => setTimeout(resolve, 25));
    assert.deepEqual(fast.writes, ['1', '23']);
    // That round was quick, so the server is back to writing at the end of each turn.
    small.push(Buffer.from('4'), false);
    await nextTurn();
    assert.deepEqual(fast.writes, ['1', '23', '4']);
  });
});
