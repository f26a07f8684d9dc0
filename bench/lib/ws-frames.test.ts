import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameReader, encodeFrame, opcodes } from './ws-frames.ts';

/** Collects what a reader hands over, copied out of the views. */
function collect() {
  const messages: { opcode: number; text: string }[] = [];
  const reader = new FrameReader((opcode, buffer, start, end) => {
    messages.push({ opcode, text: buffer.toString('utf8', start, end) });
  });
  return { reader, messages };
}

const serverFrame = (text: string, opcode: number = opcodes.text) => encodeFrame(opcode, Buffer.from(text), false);

describe('FrameReader', () => {
  it('reads several frames that arrive in one chunk', () => {
    const { reader, messages } = collect();
    reader.push(Buffer.concat([serverFrame('one'), serverFrame('two'), serverFrame('three')]));
    assert.deepEqual(
      messages.map((m) => m.text),
      ['one', 'two', 'three'],
    );
  });

  it('reassembles frames cut at every possible byte', () => {
    const frames = Buffer.concat([serverFrame('a'.repeat(125)), serverFrame('b'.repeat(300)), serverFrame('c')]);
    for (let cut = 1; cut < frames.length; cut++) {
      const { reader, messages } = collect();
      reader.push(frames.subarray(0, cut));
      reader.push(frames.subarray(cut));
      assert.deepEqual(
        messages.map((m) => m.text.length),
        [125, 300, 1],
        `cut at ${cut}`,
      );
      assert.equal(reader.pendingBytes, 0);
    }
  });

  it('reads frames fed one byte at a time', () => {
    const { reader, messages } = collect();
    const frames = Buffer.concat([serverFrame('hello'), serverFrame('x'.repeat(70_000))]);
    for (let i = 0; i < frames.length; i++) reader.push(frames.subarray(i, i + 1));
    assert.deepEqual(
      messages.map((m) => m.text.length),
      [5, 70_000],
    );
  });

  it('reads the 7-bit, 16-bit and 64-bit length forms at their boundaries', () => {
    for (const size of [0, 125, 126, 65_535, 65_536, 200_000]) {
      const frame = serverFrame('z'.repeat(size));
      const header = frame.length - size;
      assert.equal(header, size < 126 ? 2 : size < 65_536 ? 4 : 10, `header for ${size}`);
      const { reader, messages } = collect();
      reader.push(frame);
      assert.equal(messages[0]?.text.length, size);
    }
  });

  it('unmasks masked frames, as a server reads a client', () => {
    const { reader, messages } = collect();
    reader.push(encodeFrame(opcodes.text, Buffer.from('masked payload ✓')));
    assert.deepEqual(messages, [{ opcode: opcodes.text, text: 'masked payload ✓' }]);
  });

  it('joins a fragmented message and lets a control frame through between fragments', () => {
    const { reader, messages } = collect();
    const first = Buffer.from([0x01, 3, ...Buffer.from('abc')]); // text, FIN clear
    const middle = Buffer.from([0x00, 3, ...Buffer.from('def')]); // continuation, FIN clear
    const last = Buffer.from([0x80, 3, ...Buffer.from('ghi')]); // continuation, FIN set
    reader.push(Buffer.concat([first, serverFrame('ping?', opcodes.ping), middle, last]));
    assert.deepEqual(messages, [
      { opcode: opcodes.ping, text: 'ping?' },
      { opcode: opcodes.text, text: 'abcdefghi' },
    ]);
  });
});
